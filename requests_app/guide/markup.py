"""Markdown of guide steps and summaries, rendered to HTML that is safe to show.

Editors write Markdown in admin. markdown-it-py with the `js-default` preset
does not pass raw HTML through (it is shown as text) and refuses
`javascript:`-style links; nh3 then keeps only an allow-list of tags and
attributes, as a second line of defence. Images are never shown: a remote
image would tell its host who reads the guide, so an image becomes its alt
text. Whether a link opens in a new tab is the view's choice, not Markdown's.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

ALLOWED_TAGS = frozenset({"p", "ul", "ol", "li", "strong", "em", "a", "code", "pre", "h3", "h4", "blockquote", "br"})
# "*": no attribute on every tag (ammonia would otherwise keep `title` and `lang`).
ALLOWED_ATTRIBUTES = {"*": set(), "a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"


def _absolute_links_only(tag: str, attribute: str, value: str) -> str | None:
    # nh3 checks the scheme of absolute URLs but passes relative ones through.
    if attribute == "href" and not value.lower().startswith(("http://", "https://", "mailto:")):
        return None
    return value


_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style"},
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_absolute_links_only,
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)


def _image_as_alt_text(self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    return escape(token.content)


def _make_parser() -> MarkdownIt:
    parser = MarkdownIt("js-default")
    # Tables and strikethrough have no tag in the allow-list: keep them as the editor typed them.
    parser.disable(["table", "strikethrough"])
    parser.add_render_rule("image", _image_as_alt_text)
    return parser


_parser = _make_parser()


def _fit_headings(tokens: list[Token]) -> None:
    """Headings sit inside a page that has its own h1 and h2: map them to h3 and h4."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = "h3" if token.tag in ("h1", "h2", "h3") else "h4"


@functools.lru_cache(maxsize=4096)
def render_markdown(text: str) -> SafeString:
    """HTML for an editor's Markdown: allow-listed tags, http(s) and mailto links only, no images.

    Kept per text (a pure function of it): a plan page shows some thirty steps on every request."""
    env: EnvType = {}
    tokens = _parser.parse(text or "", env)
    _fit_headings(tokens)
    html = _parser.renderer.render(tokens, _parser.options, env)
    return mark_safe(_cleaner.clean(html))  # noqa: S308 - sanitised by nh3 just above
