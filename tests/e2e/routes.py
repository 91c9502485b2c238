"""The app's routes as the app declares them, for tests that must leave none out: each as
``"METHOD /path/{param}"``, with whether it is a page (HTML) and whether only an admin may
call it by its dependencies (the API's ``AdminDep``; pages check the role in their handler)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AppRoute:
    key: str  # "POST /labels/{label_id}/edit"
    page: bool
    admin_only: bool


def app_routes() -> list[AppRoute]:
    from fastapi.routing import APIRoute

    from rolodex.config import Settings
    from rolodex.web.app import create_app
    from rolodex.web.deps import admin_session
    from rolodex.web.pages.common import PageRoute

    def walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
        for route in routes:
            inner = getattr(route, "original_router", None)  # an included router (FastAPI 0.16x)
            if inner is None:
                yield prefix, route
            else:
                yield from walk(inner.routes, prefix + route.include_context.prefix)

    def calls(dependant: Any) -> Iterator[Any]:
        for dependency in dependant.dependencies:
            yield dependency.call
            yield from calls(dependency)

    app = create_app(Settings(database_url="sqlite://"), run_worker=False)  # opens nothing
    return [
        AppRoute(
            f"{method} {prefix}{route.path}",
            page=isinstance(route, PageRoute),
            admin_only=admin_session in set(calls(route.dependant)),
        )
        for prefix, route in walk(app.router.routes)
        if isinstance(route, APIRoute)
        for method in sorted(route.methods - {"HEAD"})
    ]
