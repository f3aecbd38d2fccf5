"""The sandbox every letter template is rendered in: admin-edited Jinja2, treated as hostile.

Content editors write the subject and body of each request letter as Jinja2.
`render_template` here is the only thing that renders them, and it treats every template
as hostile: an editor's account can be stolen, and a letter is rendered on
pages that people trust.

- `ImmutableSandboxedEnvironment`, with attribute access narrowed further to an
  allow-list per type (a few text methods, dict lookups, the loop variable), no
  globals but a small `range`, and an allow-list of filters. That refuses the
  known escapes: `__class__`/`__globals__` walks, `str.format` and
  `str.format_map` (CVE-2024-56326), the `|attr` filter (CVE-2025-27516).
- Editors never choose template names: there is no loader, and `extends`,
  `include` and `import` are refused before compiling. The template-name
  injection of CVE-2024-56201 therefore has nothing to act on.
- Size and work are capped: the template source, every text value built while
  rendering (`*`, `+`, `~`, `replace`, `join`, `indent`...), the total text
  produced, the output (rendered with `generate()` and stopped as soon as the
  cap is passed), loop iterations and calls (a budget per render, with a
  deadline), and big numbers (`**`, `*` on integers).
- Text the site cannot show (a lone surrogate such as `{{ "\\ud800" }}`, NUL, other control
  characters: `web.text`) is refused in the source and in every piece of output, naming its line,
  so a template that validates can always be encoded in a response and in a PDF.
- The context holds plain strings and dicts only (see `contract.LETTER_VARIABLES`),
  so no model, queryset or method of ours is reachable from a template.

Errors are `LetterError`s whose text an editor can act on:
"Line 3: unknown variable 'person.nmae'".
"""

from __future__ import annotations

import contextvars
import functools
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import (
    StrictUndefined,
    TemplateError,
    TemplateRuntimeError,
    TemplateSyntaxError,
    Undefined,
    nodes,
    pass_context,
)
from jinja2.filters import FILTERS
from jinja2.runtime import Context, LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import missing
from jinja2.visitor import NodeTransformer

from ..web.text import describe, first_unshowable, line_of

MAX_TEMPLATE_CHARS = 20_000
MAX_OUTPUT_CHARS = 50_000
# Everything produced while rendering, including text a macro or `{% set %}`
# block builds and then prints: a letter needs a fraction of this.
MAX_PRODUCED_CHARS = 4 * MAX_OUTPUT_CHARS
# Loop iterations, calls and guarded operators in one render.
MAX_STEPS = 20_000
MAX_SECONDS = 1.0
MAX_RANGE = 1_000
MAX_EXPONENT = 100
MAX_INT_BITS = 4_096
MAX_POWER_BITS = 64


class LetterError(Exception):
    """A letter template that cannot be rendered, with a message for its editor.

    `line` is the line within the template (None when it cannot be known),
    `field` the template that failed ("subject", "body" or "form_fields").
    """

    def __init__(self, message: str, line: int | None = None, field: str = "body", label: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.field = field
        # For form fields: which field of the list failed.
        self.label = label

    def __str__(self) -> str:
        text = f"Line {self.line}: {self.message}" if self.line else self.message
        return f"{self.label}: {text}" if self.label else text


# ---------------------------------------------------------------------------
# Guards


class _Refused(TemplateRuntimeError):
    """Something a letter may not do; the message completes "not allowed in letters: "."""


class _TooMuch(TemplateRuntimeError):
    """A cap was passed; the message is shown as it is."""


class _UnknownVariable(TemplateRuntimeError):
    """A name or key the context does not have; the message is shown as it is."""


class _Unshowable(TemplateRuntimeError):
    """Output the site cannot encode or show; the message names the character."""


class _Budget:
    """The work one render may do; shared by the hooks through a context variable."""

    def __init__(self) -> None:
        self.steps = 0
        self.produced = 0
        self.deadline = time.monotonic() + MAX_SECONDS
        self.line: int | None = None
        # Top-level dicts of the context by identity, to name 'person.nmae' in errors.
        self.paths: dict[int, str] = {}

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS or time.monotonic() > self.deadline:
            raise _TooMuch(
                "the letter takes too much work to render (too many loop rounds or calls); "
                "letters need no more than a few loops over short lists"
            )

    def produce(self, chars: int) -> None:
        self.produced += chars
        if self.produced > MAX_PRODUCED_CHARS:
            raise _TooMuch(f"the letter produces more than {MAX_PRODUCED_CHARS:,} characters of text")


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("letter_budget", default=None)


def _step() -> None:
    budget = _budget.get()
    if budget is not None:
        budget.step()


def _check_length(length: int) -> None:
    if length > MAX_OUTPUT_CHARS:
        raise _TooMuch(f"the text would be longer than {MAX_OUTPUT_CHARS:,} characters")


def _text_length(value: Any) -> int:
    """About how long `value` is as text, nested lists and dicts included, counted only until it passes
    the cap: `["x" * 50000] * 50000` is a short list of a long text, and printing it is 2.5 GB."""
    total = 0
    pending = [value]
    while pending and total <= MAX_OUTPUT_CHARS:
        item = pending.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, list | tuple):
            total += 2 * len(item)
            pending.extend(item[: MAX_OUTPUT_CHARS - total + 1])
        elif isinstance(item, dict):
            total += 4 * len(item)
            pending.extend(list(item.items())[: MAX_OUTPUT_CHARS - total + 1])
        else:
            total += 1
    return total


class _LetterUndefined(StrictUndefined):
    """Fails on any use, naming the variable as the editor wrote it."""

    __slots__ = ()

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        name = self._undefined_name or "?"
        if issubclass(self._undefined_exception, SecurityError):
            raise _Refused(f"access to '{name}'")
        obj = self._undefined_obj
        budget = _budget.get()
        if obj is missing:
            raise _UnknownVariable(f"unknown variable '{name}'")
        if isinstance(obj, dict) and budget is not None and id(obj) in budget.paths:
            raise _UnknownVariable(f"unknown variable '{budget.paths[id(obj)]}.{name}'")
        kind = {str: "text", int: "number", float: "number", list: "list"}.get(type(obj), type(obj).__name__)
        raise _UnknownVariable(f"unknown variable '{name}' (in a {kind})")


# Undefined binds its failing operations (__str__, __iter__, __add__...) to the
# base method when the class is created: point them at the override.
for _name, _value in [*vars(Undefined).items(), *vars(StrictUndefined).items()]:
    if _value is Undefined._fail_with_undefined_error:
        setattr(_LetterUndefined, _name, _LetterUndefined._fail_with_undefined_error)


# Text methods a letter may call: none of them can build a longer text or reach other objects.
_STR_ATTRIBUTES = frozenset(
    {
        "capitalize",
        "casefold",
        "count",
        "endswith",
        "find",
        "isdigit",
        "islower",
        "isupper",
        "lower",
        "lstrip",
        "removeprefix",
        "removesuffix",
        "rstrip",
        "split",
        "splitlines",
        "startswith",
        "strip",
        "title",
        "upper",
    }
)
_DICT_ATTRIBUTES = frozenset({"get", "items", "keys", "values"})
_LOOP_ATTRIBUTES = frozenset(
    {
        "changed",
        "cycle",
        "depth",
        "depth0",
        "first",
        "index",
        "index0",
        "last",
        "length",
        "nextitem",
        "previtem",
        "revindex",
        "revindex0",
    }
)


def _safe_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise _TooMuch(f"range() is limited to {MAX_RANGE:,} numbers in letters")
    return numbers


# Filters that can build a longer text than they get check the size first.


def _replace(value: Any, old: str, new: str, count: int | None = None) -> str:
    text, old, new = str(value), str(old), str(new)
    found = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        found = min(found, count)
    _check_length(len(text) + found * (len(new) - len(old)))
    return text.replace(old, new, -1 if count is None else count)


def _join(value: Iterable[Any], d: str = "") -> str:
    items = [str(item) for item in value]
    _check_length(sum(len(item) for item in items) + max(len(items) - 1, 0) * len(str(d)))
    return str(d).join(items)


def _indent(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    text = str(value)
    width_chars = len(width) if isinstance(width, str) else int(width)
    _check_length(len(text) + (text.count("\n") + 1) * max(width_chars, 0))
    return FILTERS["indent"](text, width, first, blank)


@pass_context
def _wordwrap(context: Context, value: Any, width: int = 79, break_long_words: bool = True, wrapstring: Any = None):
    text = str(value)
    if wrapstring is not None and len(str(wrapstring)) > 2:
        # Worst case: a line break after every character.
        _check_length(len(text) * (1 + len(str(wrapstring))))
    result = FILTERS["wordwrap"](context.environment, text, width, break_long_words, wrapstring)
    _check_length(len(result))
    return result


_PLAIN_FILTERS = (
    "abs",
    "capitalize",
    "count",
    "d",
    "default",
    "first",
    "float",
    "int",
    "last",
    "length",
    "list",
    "lower",
    "reverse",
    "round",
    "string",
    "striptags",
    "title",
    "trim",
    "truncate",
    "upper",
    "wordcount",
)

# Internal filters, inserted by _Guard; their names cannot be written in a template.
_EMIT, _CONCAT, _LOOP = "guard:emit", "guard:concat", "guard:loop"


@pass_context
def _emit(context: Context, values: list[Any], line: int) -> str:
    """One `{{ ... }}`/text output: counted against the budget before it is joined."""
    budget = _budget.get()
    _check_length(sum(_text_length(value) for value in values))
    texts = [str(value) for value in values]
    if budget is not None:
        budget.line = line
        budget.produce(sum(len(text) for text in texts))
    for text in texts:
        index = first_unshowable(text)
        if index is not None:
            raise _Unshowable(f"the letter would contain {describe(text[index])}: remove it")
    return "".join(texts)


@pass_context
def _concat(context: Context, values: list[Any], line: int) -> str:
    """The `~` operator, refusing a result over the size cap before building it."""
    _check_length(sum(_text_length(value) for value in values))
    texts = [str(value) for value in values]
    _check_length(sum(len(text) for text in texts))
    return "".join(texts)


@pass_context
def _loop(context: Context, iterable: Any, line: int) -> Iterator[Any]:
    """A for loop's items, each counted against the budget."""
    budget = _budget.get()
    for item in iterable:
        if budget is not None:
            budget.line = line
            budget.step()
        yield item


def _internal_filter(name: str, node: nodes.Node, lineno: int) -> nodes.Filter:
    return nodes.Filter(node, name, [nodes.Const(lineno)], [], None, None, lineno=lineno)


class _Guard(NodeTransformer):
    """Refuses what letters may not use, and routes output, `~` and loops through the guards."""

    def _refuse(self, node: nodes.Node, what: str) -> None:
        raise TemplateSyntaxError(f"not allowed in letters: {what}", node.lineno)

    def visit_Extends(self, node: nodes.Extends) -> None:
        self._refuse(node, "{% extends %}")

    def visit_Include(self, node: nodes.Include) -> None:
        self._refuse(node, "{% include %}")

    def visit_Import(self, node: nodes.Import) -> None:
        self._refuse(node, "{% import %}")

    def visit_FromImport(self, node: nodes.FromImport) -> None:
        self._refuse(node, "{% from ... import %}")

    def visit_Name(self, node: nodes.Name) -> nodes.Name:
        # `self` is Jinja's reference to the template itself.
        if node.name == "self":
            self._refuse(node, "'self'")
        return node

    def visit_Output(self, node: nodes.Output) -> nodes.Output:
        self.generic_visit(node)
        # One guard per child keeps each child's own line for error messages.
        node.nodes = [
            _internal_filter(_EMIT, nodes.List([child], lineno=child.lineno), child.lineno) for child in node.nodes
        ]
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Filter:
        self.generic_visit(node)
        return _internal_filter(_CONCAT, nodes.List(list(node.nodes), lineno=node.lineno), node.lineno)

    def visit_For(self, node: nodes.For) -> nodes.For:
        if node.recursive:
            self._refuse(node, "recursive loops")
        self.generic_visit(node)
        node.iter = _internal_filter(_LOOP, node.iter, node.lineno)
        return node


class _LetterEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        # Default deny: only the types a letter context can hold, and only what they need.
        if isinstance(obj, str):
            return attr in _STR_ATTRIBUTES
        if isinstance(obj, dict):
            return attr in _DICT_ATTRIBUTES
        if isinstance(obj, LoopContext):
            return attr in _LOOP_ATTRIBUTES
        return False

    def wrap_str_format(self, value: Any) -> None:
        # Jinja wraps str.format and str.format_map in a sandboxed formatter;
        # letters do not format at all, so both stay unreachable attributes.
        return None

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        _step()
        # Defence in depth: str.format reached some other way than an attribute.
        if not isinstance(obj, Macro) and getattr(obj, "__name__", "") in {"format", "format_map"}:
            raise _Refused("text formatting with format()")
        return super().call(context, obj, *args, **kwargs)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _step()
        if operator == "**":
            # Letters print no big numbers: refuse any power past 64 bits before computing it.
            if not isinstance(right, int | float) or abs(right) > MAX_EXPONENT:
                raise _Refused(f"the power operator '**' with an exponent over {MAX_EXPONENT}")
            if not isinstance(left, int | float) or abs(left) >= 2 and math.log2(abs(left)) * right > MAX_POWER_BITS:
                raise _Refused("the power operator '**' with numbers this large")
        elif operator == "*":
            if isinstance(left, str | list | tuple) and isinstance(right, int):
                _check_length(_text_length(left) * right)
            elif isinstance(right, str | list | tuple) and isinstance(left, int):
                _check_length(_text_length(right) * left)
            elif (
                isinstance(left, int)
                and isinstance(right, int)
                and left.bit_length() + right.bit_length() > MAX_INT_BITS
            ):
                raise _Refused("numbers this large")
        elif operator == "+":
            _check_length(_text_length(left) + _text_length(right))
        elif operator == "%" and isinstance(left, str):
            # printf-style formatting can pad to any width; write the text out instead.
            raise _Refused("text formatting with '%'")
        return super().call_binop(context, operator, left, right)


def _make_environment() -> _LetterEnvironment:
    environment = _LetterEnvironment(
        undefined=_LetterUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    environment.globals.clear()
    environment.globals["range"] = _safe_range
    environment.filters.clear()
    environment.filters.update({name: _sized(FILTERS[name]) for name in _PLAIN_FILTERS})
    environment.filters.update(
        {
            "replace": _sized(_replace),
            "join": _sized(_join),
            "indent": _sized(_indent),
            "wordwrap": _sized(_wordwrap),
            _EMIT: _emit,
            _CONCAT: _concat,
            _LOOP: _loop,
        }
    )
    return environment


def _sized(filter_: Callable[..., Any]) -> Callable[..., Any]:
    """`filter_`, refusing a value over the size cap before the filter turns it into text: a list
    literal of lists (`[a, a, a, a]`, nested) is small in memory and gigabytes as text."""
    passes_first = getattr(filter_, "jinja_pass_arg", None) is not None  # context or environment first

    @functools.wraps(filter_)  # keeps jinja_pass_arg, so Jinja still passes the context
    def checked(*args: Any, **kwargs: Any) -> Any:
        _check_length(_text_length(args[1 if passes_first else 0]))
        return filter_(*args, **kwargs)

    return checked


_environment = _make_environment()


# ---------------------------------------------------------------------------
# Rendering

_NO_FILTER = re.compile(r"No (filter|test) named '([^']*)'")


def _syntax_message(message: str) -> str:
    if message.startswith("not allowed in letters:"):
        return message
    match = _NO_FILTER.search(message)
    if match:
        return f"unknown {match.group(1)} '{match.group(2)}'"
    return f"syntax error: {message}"


@functools.lru_cache(maxsize=512)
def _compile(source: str) -> Any:
    """The compiled template; raises TemplateSyntaxError. Cached: templates change rarely."""
    tree = _environment.parse(source)
    tree = _Guard().visit(tree)
    return _environment.from_string(tree)


def _template_line(error: BaseException) -> int | None:
    """The template line of a runtime error, from the traceback Jinja rewrites to template lines."""
    line = None
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == "<template>":
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def render_template(source: str, context: dict, field: str) -> str:
    """Render one template (`field` names it in errors) with a plain context; raises LetterError."""
    if len(source) > MAX_TEMPLATE_CHARS:
        raise LetterError(f"the template is longer than {MAX_TEMPLATE_CHARS:,} characters", None, field)
    index = first_unshowable(source)
    if index is not None:
        raise LetterError(f"the template contains {describe(source[index])}: remove it", line_of(source, index), field)
    try:
        template = _compile(source)
    except TemplateSyntaxError as error:
        raise LetterError(_syntax_message(error.message or str(error)), error.lineno, field) from None

    budget = _Budget()
    budget.paths = {id(value): key for key, value in context.items() if isinstance(value, dict)}
    token = _budget.set(budget)
    chunks: list[str] = []
    length = 0
    try:
        for chunk in template.generate(context):
            chunks.append(chunk)
            length += len(chunk)
            if length > MAX_OUTPUT_CHARS:
                raise LetterError(f"the letter is longer than {MAX_OUTPUT_CHARS:,} characters", budget.line, field)
    except LetterError:
        raise
    except _UnknownVariable as error:
        raise LetterError(str(error.message), _template_line(error), field) from None
    except (_Refused, SecurityError) as error:
        raise LetterError(f"not allowed in letters: {error.message}", _template_line(error), field) from None
    except (_TooMuch, _Unshowable) as error:
        raise LetterError(str(error.message), _template_line(error) or budget.line, field) from None
    except TemplateRuntimeError as error:
        raise LetterError(_syntax_message(str(error.message)), _template_line(error), field) from None
    except RecursionError as error:
        line = _template_line(error) or budget.line
        raise LetterError("the template calls itself too deeply", line, field) from None
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError, AssertionError) as error:
        # AssertionError: some of Jinja's filters assert their arguments (`truncate(1, end="xyz")`).
        raise LetterError(f"cannot compute this: {error}", _template_line(error), field) from None
    finally:
        _budget.reset(token)
    return "".join(chunks)
