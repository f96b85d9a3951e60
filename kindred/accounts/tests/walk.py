from kindred.core.testing.walk import PUBLIC, SIGNED_IN, Route

ROUTES = [
    # The sign-in page sends a signed-in person home (302): not a refusal.
    Route("accounts:login", allowed=PUBLIC, ok_status=frozenset({200, 302})),
    Route("accounts:logout", allowed=PUBLIC, method="POST"),
    Route("accounts:password_reset", allowed=PUBLIC),
    Route("accounts:password_reset_done", allowed=PUBLIC),
    Route(
        "accounts:password_reset_confirm",
        allowed=PUBLIC,
        kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"},
    ),
    Route("accounts:password_reset_complete", allowed=PUBLIC),
    Route("accounts:profile", allowed=SIGNED_IN),
    Route("accounts:password_change", allowed=SIGNED_IN),
]
