"""The JSON API (docs/api.md): one router per resource."""

from fastapi import APIRouter

from rolodex.web.api import catalog, contacts, imports, templates, tokens, users

router = APIRouter(prefix="/api")
for module in (tokens, imports, contacts, catalog, templates, users):
    router.include_router(module.router)
router.include_router(imports.upload_router)
