"""The JSON API (CONTRACT §8): one router per resource."""

from fastapi import APIRouter

from rolodex.web.api import catalog, contacts, imports, templates, tokens

router = APIRouter(prefix="/api")
for module in (tokens, imports, contacts, catalog, templates):
    router.include_router(module.router)
router.include_router(imports.upload_router)
