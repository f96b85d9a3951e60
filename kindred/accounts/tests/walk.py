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
    # Two-step sign-in. The personas' sessions have it done (or owe nothing): the code page
    # sends them on (302); enrolment is open to anyone signed in who is not enrolled; new
    # recovery codes and turning it off need an enrolled, verified person (403 otherwise).
    Route("accounts:two_factor", allowed=SIGNED_IN, ok_status=frozenset({302})),
    Route("accounts:two_factor_setup", allowed=SIGNED_IN),
    Route("accounts:two_factor_recovery_codes", allowed=frozenset(), method="POST"),
    Route("accounts:two_factor_forget", allowed=SIGNED_IN, method="POST"),
    Route("accounts:two_factor_off", allowed=frozenset(), method="POST"),
]
