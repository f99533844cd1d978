"""The sandboxed Jinja2 environments templates render in, and the cache of compiled sources.

Immutable sandbox: a template reaches no Python internals (`''.__class__` is refused) and
cannot change the values it is given. HTML (and SSML) parts autoescape; text parts do not.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from herald.templates.context import HeraldContext, Values
from herald.templates.undefined import HeraldUndefined


class HeraldEnvironment(ImmutableSandboxedEnvironment):
    context_class = HeraldContext

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Variables are data: `Attributes.items` is the attribute called "items", not the dict
        # method. Looking the key up first is also the fast path: no AttributeError raised and
        # caught for every dotted name, which is most of a small template's render time.
        if type(obj) is Values or type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def _environment(autoescape: bool) -> HeraldEnvironment:
    return HeraldEnvironment(
        autoescape=autoescape, undefined=HeraldUndefined, keep_trailing_newline=True
    )


_ENVIRONMENTS = {False: _environment(False), True: _environment(True)}


def environment(*, html: bool) -> HeraldEnvironment:
    return _ENVIRONMENTS[html]


@lru_cache(maxsize=4096)
def compile_source(source: str, html: bool) -> jinja2.Template:
    """Each distinct source is parsed and compiled once per process."""
    template = _ENVIRONMENTS[html].from_string(source)
    # Jinja keeps a template's globals as a ChainMap over the environment's and iterates it
    # twice per render, which costs more than rendering a short SMS. Ours never change after
    # import, so a flat copy holds the same values.
    template.globals = dict(template.globals)
    return template
