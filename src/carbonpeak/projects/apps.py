from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "carbonpeak.projects"
    label = "projects"
    verbose_name = "两高项目与节能审查"

    def ready(self) -> None:
        from carbonpeak.core import registry
        from carbonpeak.core.navigation import NavItem, register
        from carbonpeak.core.roles import Role
        from carbonpeak.projects.services import dashboard_card, green_projects

        register(
            NavItem(
                "项目与节能审查",
                "projects:list",
                order=35,
                roles=(Role.OFFICE, Role.LEADER, Role.DEPARTMENT),
            )
        )
        registry.register(registry.dashboard_cards, dashboard_card)
        registry.register(registry.green_project_providers, green_projects)
