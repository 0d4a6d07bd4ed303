"""URLconf with only the apps this area needs, for developing while other apps'
URL modules are mid-change. Used only when CARBONPEAK_ISOLATED_URLS=1."""

from django.urls import include, path
from ninja import NinjaAPI

from carbonpeak.core import views as core_views
from carbonpeak.monitoring.api import router

api = NinjaAPI(urls_namespace="api")
api.add_router("/monitoring/", router)

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("carbonpeak.accounts.urls")),
    path("enterprises/", include("carbonpeak.enterprises.urls")),
    path("monitoring/", include("carbonpeak.monitoring.urls")),
    path("api/", api.urls),
]
