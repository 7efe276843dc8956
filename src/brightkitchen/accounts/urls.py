from django.urls import path

from brightkitchen.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("captcha/<str:key>.png", views.captcha_view, name="captcha"),
    path("logout/", views.logout_view, name="logout"),
    path("tokens/", views.tokens_view, name="tokens"),
    path("tokens/<str:key_id>/revoke/", views.revoke_token_view, name="revoke_token"),
    path("tokens/<str:key_id>/rotate/", views.rotate_token_view, name="rotate_token"),
    path("confirm-password/", views.reauth_view, name="reauth"),
    path("invitation/<str:secret>/", views.invitation_view, name="invitation"),
    path("import/", views.import_view, name="import"),
    path("oidc/<str:name>/", views.oidc_start_view, name="oidc_start"),
    path("oidc/<str:name>/callback/", views.oidc_callback_view, name="oidc_callback"),
]
