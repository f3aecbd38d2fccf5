"""`{% fragment %}`: a piece of a page rendered once per process and reused while what it shows is the same.

    {% load fragments %}
    {% fragment step.info step.key step.done %} ... {% endfragment %}
    {% fragment question form.shared_key if form.is_shared %} ... {% endfragment %}

The values after `fragment` are all the output depends on besides the active language, which
is always part of the key (no values: the same for everyone). Any other combination is rendered
afresh, so guide content passed in whole (its frozen, hashable snapshot objects) is never shown
stale. With `if`, the fragment is kept only while the condition holds (a form someone has filled in
is theirs alone). Pages that repeat a block many times (a plan's steps) spend most of their time
rendering it, and it is the same for everyone who sees the same content.

Unlike Django's `{% cache %}`, a fragment may hold `{% csrf_token %}` and `{{ csp_nonce }}`: they
are rendered as per-process random placeholders and replaced with this request's values on the way
out, so no request's token is ever stored or shown to another. Kept in this process only (the
output is derived from code and content, so other servers need not share it), in a bounded LRU.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections import OrderedDict
from collections.abc import Hashable

from django import template
from django.template.base import UNKNOWN_SOURCE, FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

MAX_FRAGMENTS = 4096  # a plan's step is ~1.5 KB: a few MB at most
# Random per process, so no content can contain them by accident or on purpose.
CSRF_PLACEHOLDER = f"csrf{secrets.token_hex(16)}"
NONCE_PLACEHOLDER = f"nonce{secrets.token_hex(16)}"


class FragmentStore:
    """A bounded, thread-safe LRU of rendered fragments."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            html = self._items.get(key)
            if html is not None:
                self._items.move_to_end(key)
            return html

    def put(self, key: Hashable, html: str) -> None:
        with self._lock:
            self._items[key] = html
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


store = FragmentStore(MAX_FRAGMENTS)
_unnamed = itertools.count()


class FragmentNode(template.Node):
    def __init__(
        self,
        nodelist: NodeList,
        where: tuple[str, int],
        vary: list[FilterExpression],
        condition: FilterExpression | None = None,
    ) -> None:
        self.nodelist = nodelist
        self.where = where  # (template name, ordinal): which {% fragment %} this is
        self.vary = vary
        self.condition = condition

    def render(self, context: Context) -> SafeString:
        if self.condition is not None and not self.condition.resolve(context, ignore_failures=True):
            return self.nodelist.render(context)
        # Without a request (no context processors), the tags render nothing, as they would uncached.
        placeholders = {
            name: placeholder
            for name, placeholder in (("csrf_token", CSRF_PLACEHOLDER), ("csp_nonce", NONCE_PLACEHOLDER))
            if context.get(name) is not None  # without evaluating a lazy token
        }
        key = (self.where, translation.get_language(), *placeholders, *(value.resolve(context) for value in self.vary))
        try:
            hash(key)
        except TypeError:  # a value that cannot be a key (a list, a dict): render as if uncached
            return self.nodelist.render(context)
        html = store.get(key)
        if html is None:
            with context.push(placeholders):
                html = self.nodelist.render(context)
            store.put(key, html)
        if CSRF_PLACEHOLDER in html:
            html = html.replace(CSRF_PLACEHOLDER, str(context.get("csrf_token", "")))
        if NONCE_PLACEHOLDER in html:
            html = html.replace(NONCE_PLACEHOLDER, str(context.get("csp_nonce", "")))
        return mark_safe(html)  # noqa: S308 (rendered by the template engine, which escaped it)


@register.tag
def fragment(parser: Parser, token: Token) -> FragmentNode:
    bits = token.split_contents()[1:]  # none: the same for everyone in a language
    condition = None
    if "if" in bits:
        if bits.index("if") != len(bits) - 2:
            raise template.TemplateSyntaxError("{% fragment ... if condition %} takes one value after 'if'")
        condition = parser.compile_filter(bits[-1])
        bits = bits[:-2]
    # Which {% fragment %} this is: the template's file and the fragment's place among its fragments
    # (the same when the template is compiled again); a template from a string counts on its own.
    origin = parser.origin.name if parser.origin else UNKNOWN_SOURCE
    if origin == UNKNOWN_SOURCE:
        where = ("", next(_unnamed))
    else:
        ordinal = parser.extra_data.setdefault("fragments", 0)
        parser.extra_data["fragments"] = ordinal + 1
        where = (origin, ordinal)
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, where, [parser.compile_filter(bit) for bit in bits], condition)
