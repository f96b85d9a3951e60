from django.urls import path

from kindred.programs import views

# The link e-mailed to a new member keeps the address it always had (/accounts/invitation/...),
# so links sent before an upgrade still work; the page belongs to programs, as invitations do.
app_name = "invitations"

urlpatterns = [
    path("<str:token>/", views.invitation, name="accept"),
]
