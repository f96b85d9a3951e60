from kindred.core.testing.walk import PUBLIC, SIGNED_IN, Route

ROUTES = [
    Route("core:home", allowed=SIGNED_IN),
    Route("core:healthz", allowed=PUBLIC),
    Route("core:healthz_live", allowed=PUBLIC),
    Route("core:set_language", allowed=PUBLIC, method="POST", data=lambda w: {"language": "es"}),
    Route("api:me", allowed=SIGNED_IN),
    Route(
        "api:api-root",
        allowed=set(),
        ok_status=frozenset({404}),
        not_found=SIGNED_IN,
    ),
    Route("api:openapi-json", allowed=PUBLIC),
    Route("api:openapi-view", allowed=PUBLIC),
]
