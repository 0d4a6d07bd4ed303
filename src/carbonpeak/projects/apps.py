from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "carbonpeak.projects"
    label = "projects"
    verbose_name = "两高项目与节能审查"
