"""The server-rendered web pages (Jinja templates under the top-level ``web/``)."""

from __future__ import annotations

from pathlib import Path

from litestar import Controller, get
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

__all__ = ("STATIC_ROUTER", "WEB_CONTROLLERS", "WEB_DIR", "make_template_config")

WEB_DIR = Path(__file__).resolve().parents[3] / "web"


class StartPage(Controller):
    include_in_schema = False

    @get("/", name="start")
    async def start(self) -> Template:
        return Template(template_name="start.html.j2", context={})


WEB_CONTROLLERS = [StartPage]
STATIC_ROUTER = create_static_files_router(path="/static", directories=[WEB_DIR / "static"])


def make_template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(directory=WEB_DIR / "templates", engine=JinjaTemplateEngine)
