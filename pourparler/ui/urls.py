from django.contrib.auth import views as auth_views
from django.urls import path

from pourparler.ui import signin, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="ui/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("login/verify/", signin.verify, name="login_verify"),
    path("account/two-factor/", signin.two_factor, name="two_factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
