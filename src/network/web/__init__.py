"""The server-rendered web pages (Jinja templates under the top-level ``web/``)."""

from __future__ import annotations

from pathlib import Path

from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

__all__ = ("STATIC_ROUTER", "WEB_DIR", "make_template_config")

WEB_DIR = Path(__file__).resolve().parents[3] / "web"
STATIC_ROUTER = create_static_files_router(
    path="/static", directories=[WEB_DIR / "static"], include_in_schema=False
)


def make_template_config() -> TemplateConfig[JinjaTemplateEngine]:
    def configure(engine: JinjaTemplateEngine) -> None:
        engine.engine.autoescape = True
        engine.engine.add_extension("jinja2.ext.i18n")

    return TemplateConfig(
        directory=WEB_DIR / "templates", engine=JinjaTemplateEngine, engine_callback=configure
    )
