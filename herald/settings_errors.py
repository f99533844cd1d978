"""Settings as a process builds them at start, and bad ones told as an operator fixes them.

Pydantic names a field by its path (`api_port`, `channels.sms.twilio.account_sid`); the
operator set an environment variable (HERALD_API_PORT, HERALD_CHANNELS__SMS__ACCOUNT_SID).
Each problem is one line naming that variable and what it allows, never its value: a
database URL or a channel secret must not reach a terminal or `docker logs`.
"""

from __future__ import annotations

import os
import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from pydantic_settings import SettingsError

from herald.settings import Settings
from herald.store.urls import sync_url

PREFIX = "HERALD_"
JSON_FORMS = 'lists and objects are written as JSON: ["a", "b"], {"key": "value"}'
UNION_TAG_ERRORS = ("union_tag_invalid", "union_tag_not_found")


class BadSettings(ValueError):
    """Settings a process cannot start with: one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_settings() -> Settings:
    """The process's Settings from HERALD_* variables (and `.env`), its database URL checked
    too, so a mistake stops the start in one place rather than deep inside a command."""
    try:
        settings = Settings()
        sync_url(settings.resolved_database_url)
    except ValidationError as exc:
        raise BadSettings(problems(exc)) from None
    except SettingsError as exc:
        raise BadSettings([unparsed(exc)]) from None
    except ValueError as exc:
        # DatabaseUrlError and the channels file's errors (herald.channels.config) already
        # name their variable and hold no secret.
        raise BadSettings([str(exc)]) from None
    return settings


def problems(exc: ValidationError) -> list[str]:
    return [problem(error) for error in exc.errors(include_url=False, include_input=False)]


def problem(error: ErrorDetails) -> str:
    """`VARIABLE: what is wrong, what is allowed`, from one pydantic error."""
    name, models = variable(error["loc"])
    if error["type"] in UNION_TAG_ERRORS:
        # The loc stops at the union; the operator set its discriminator (…__PROVIDER).
        tag = str(error.get("ctx", {}).get("discriminator", "")).strip("'\"")
        allowed = ", ".join(sorted(tags(models, tag)))
        missing = " is required" if error["type"] == "union_tag_not_found" else ""
        return f"{name}__{tag.upper()}{missing}: allowed values: {allowed}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{name}: {message}"


def variable(loc: tuple[int | str, ...]) -> tuple[str, list[type[BaseModel]]]:
    """The environment variable of a field path, and the models that may sit there."""
    names: list[str] = []
    models: list[type[BaseModel]] = [Settings]
    keyed = False  # the previous field was a mapping: this item is one of its keys
    for item in loc:
        if isinstance(item, int):
            break  # an item of a list: the variable is the whole list
        if keyed:
            names.append(item)
            keyed = False
            continue
        field = next((m.model_fields[item] for m in models if item in m.model_fields), None)
        if field is None:
            if models:
                continue  # a tagged union member's tag (`twilio`), not part of the variable
            names.append(item)
            continue
        names.append(item)
        keyed = get_origin(field.annotation) is dict
        models = inner_models(field.annotation)
    return PREFIX + "__".join(names).upper(), models


def inner_models(annotation: Any) -> list[type[BaseModel]]:
    """The models a field holds: itself, its union's members, a mapping's or list's values."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        return inner_models(args[0])
    if origin is dict:
        return inner_models(args[1])
    if origin in (Union, types.UnionType, list):
        return [model for arg in args for model in inner_models(arg)]
    return []


def tags(models: list[type[BaseModel]], discriminator: str) -> set[str]:
    """The values a tagged union's discriminator takes (`outbox`, `ses`, `smtp`)."""
    found: set[str] = set()
    for model in models:
        field = model.model_fields.get(discriminator)
        if field is not None and get_origin(field.annotation) is Literal:
            found.update(str(value) for value in get_args(field.annotation))
    return found


def unparsed(exc: SettingsError) -> str:
    """pydantic-settings could not decode a list or object: it names only the top-level field
    (`two_way`); name the variables set under it, never their values."""
    match = re.search(r'field "([^"]+)"', str(exc))
    field = match.group(1) if match else ""
    top = PREFIX + field.upper()
    given = sorted(
        name for name in os.environ if name.upper() == top or name.upper().startswith(top + "__")
    )
    named = ", ".join(given) or f"{top} or a {top}__* variable"
    return f"{named}: a value could not be decoded; {JSON_FORMS}"
