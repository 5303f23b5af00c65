"""The inputs of a proposal's form, made from the form's own definitions (`hoso_shared.form`: labels, types,
limits) and code lists (`hoso_shared.codes`: ethnicities, religions, ranks, provinces before and after 1/7/2025),
never retyped here. What a person types is read back into the API's values (dates dd/mm/yyyy, a table's periods
mm/yyyy, decimals with a comma or a point) and checked against the same pydantic types profile-api checks, so most
mistakes are caught on the page, in Vietnamese, next to the input; the API still judges the whole record."""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from hoso_shared.codes import ETHNICITIES, PROVINCES, RANKS, RELIGIONS, CodeTable
from hoso_shared.codes.provinces import REFORM
from hoso_shared.form import SECTIONS, ProfileItems, layout
from hoso_shared.form.base import Place
from portal.i18n import N_, nfc

Kind = Literal["text", "long", "date", "month", "number", "decimal", "choice", "place"]
Message = tuple[str, dict[str, Any]]  # a msgid and its parameters, translated when shown
CODES: dict[str, CodeTable] = {"ethnicity_code": ETHNICITIES, "religion_code": RELIGIONS, "rank_code": RANKS}
SEX = {"M": "Nam", "F": "Nữ"}
MONTHS = frozenset({"from_date", "to_date"})
PLACE_ORDER = ("detail", "commune", "district", "province")  # as an address is written
NOT_PROPOSED = frozenset({"legacy_notes"})  # kept from an older form; nobody proposes it
HINTS = {"date": N_("Ngày/tháng/năm, ví dụ 20/11/2026."), "month": N_("Tháng/năm, ví dụ 09/2020."),
         "decimal": N_("Dùng dấu phẩy cho phần thập phân, ví dụ 2,34.")}
# profile-api's checks (pydantic's error types) in words a person understands.
MESSAGES = {
    "missing": N_("Bắt buộc nhập."), "string_too_short": N_("Bắt buộc nhập."),
    "string_too_long": N_("Dài quá %(max_length)s ký tự."), "string_pattern_mismatch": N_("Không đúng định dạng."),
    "greater_than_equal": N_("Phải từ %(ge)s trở lên."), "less_than_equal": N_("Không được lớn hơn %(le)s."),
    "literal_error": N_("Chọn một giá trị trong danh sách."), "value_error": N_("Không có trong danh mục."),
    "decimal_max_places": N_("Tối đa %(decimal_places)s chữ số sau dấu phẩy."),
    "decimal_max_digits": N_("Quá nhiều chữ số."), "decimal_parsing": N_("Nhập một số."),
    "int_parsing": N_("Nhập một số."),
    "date_from_datetime_parsing": N_("Ngày không hợp lệ."), "date_parsing": N_("Ngày không hợp lệ."),
    "extra_forbidden": N_("Mục này không có trên mẫu."),
}
UNKNOWN = N_("Giá trị không hợp lệ.")


class Invalid(ValueError):
    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message: Message = (message, params)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Group:
    label: str | None  # a portal message (None: no group heading)
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Input:
    name: str  # the form field's name and the element's id
    key: str  # the item or column it fills
    label: str  # the form's words (Vietnamese)
    kind: Kind
    required: bool = False
    groups: tuple[Group, ...] = ()
    parts: tuple[Input, ...] = ()  # a place's: detail, commune, district, province
    strict: bool = True  # a choice must be one of `groups` (a place's province is free text the list suggests)

    @property
    def hint(self) -> str | None:
        return HINTS.get(self.kind)

    def allows(self, value: str) -> bool:
        return any(c.value == value for g in self.groups for c in g.choices)


@dataclass(frozen=True)
class Fieldset:
    legend: str
    number: str
    inputs: tuple[Input, ...]
    section: str | None = None  # a table's row: the table's name


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """The type under Optional/Annotated, and the constraints found on the way."""
    found: list[Any] = []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *meta = get_args(annotation)
            found += [m for item in meta for m in (item.metadata if isinstance(item, FieldInfo) else [item])]
        elif origin in (Union, types.UnionType) and type(None) in get_args(annotation):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation, found


@functools.cache
def _provinces() -> tuple[Group, ...]:
    after = tuple(Choice(e.name, e.name) for e in PROVINCES if e.valid_on(REFORM))
    names = {c.value for c in after}
    before = tuple(Choice(e.name, e.name) for e in PROVINCES if not e.valid_on(REFORM) and e.name not in names)
    return (Group(N_("Từ ngày 01/07/2025 (34 tỉnh, thành phố)"), after), Group(N_("Trước ngày 01/07/2025"), before))


def _codes(key: str) -> tuple[Group, ...]:
    table = CODES[key]
    return (Group(None, tuple(Choice(e.code, f"{e.code} – {e.name}" if key == "rank_code" else e.name)
                              for e in table)),)


def _input(name: str, key: str, label: str, info: FieldInfo) -> Input:
    base, meta = _unwrap(info.annotation)
    meta += list(info.metadata)
    required = info.is_required()
    if key in CODES:
        return Input(name, key, label, "choice", required, _codes(key))
    if get_origin(base) is Literal:
        return Input(name, key, label, "choice", required, (Group(None, tuple(
            Choice(str(v), SEX.get(str(v), str(v)) if key == "sex" else str(v)) for v in get_args(base))),))
    if base is Place:
        parts = tuple(Input(f"{name}-{p.key}", p.key, p.label, "choice" if p.key == "province" else "text",
                            groups=_provinces() if p.key == "province" else (), strict=False)
                      for p in sorted(layout.PLACE_PARTS, key=lambda p: PLACE_ORDER.index(p.key)))
        return Input(name, key, label, "place", required, parts=parts)
    kind: Kind = {date: "month" if key in MONTHS else "date", int: "number", Decimal: "decimal"}.get(base, "text")
    if kind == "text" and any((getattr(m, "max_length", None) or 0) >= 5000 for m in meta):
        kind = "long"
    return Input(name, key, label, kind, required)


@functools.cache
def item_fieldsets(numbers: tuple[str, ...]) -> tuple[Fieldset, ...]:
    """One fieldset per line of the form (item numbers, layout.HEADER for the header's)."""
    made = []
    for number in numbers:
        line = layout.lines()[number]
        inputs = tuple(_input(f.key, f.key, f.label, ProfileItems.model_fields[f.key]) for f in line.fields
                       if f.key not in NOT_PROPOSED)
        made.append(Fieldset(", ".join(f.label for f in line.fields), number, inputs))
    return tuple(made)


@functools.cache
def row_fieldset(section: str) -> Fieldset:
    table = layout.tables()[section]
    model = SECTIONS[section][1]
    return Fieldset(table.title, table.number,
                    tuple(_input(c.key, c.key, c.label, model.model_fields[c.key]) for c in table.columns), section)


def _day(text: str) -> str:
    found = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    try:
        if found:
            return date(int(found[3]), int(found[2]), int(found[1])).isoformat()
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise Invalid(N_("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 20/11/2026.")) from None


def _month(text: str) -> str:
    found = re.fullmatch(r"(\d{1,2})[/.-](\d{4})", text)
    if not found or not 1 <= int(found[1]) <= 12:
        raise Invalid(N_("Nhập tháng theo dạng tháng/năm, ví dụ 09/2020."))
    return f"{found[2]}-{int(found[1]):02d}-01"


def _number(text: str, kind: Kind) -> int | str:
    if kind == "number":
        plain = re.sub(r"[.,\s](?=\d{3}\b)", "", text)  # thousands separators: 5.000.000
        if not re.fullmatch(r"-?\d+", plain):
            raise Invalid(N_("Nhập một số nguyên."))
        return int(plain)
    try:
        return str(Decimal(text.replace(" ", "").replace(",", ".")))
    except InvalidOperation:
        raise Invalid(N_("Nhập một số, ví dụ 2,34.")) from None


def parse(inp: Input, typed: str) -> Any:
    """What the person typed in one input, as the API's value (None: left empty)."""
    text = nfc(typed).strip()
    if not text:
        return None
    if inp.kind == "date":
        return _day(text)
    if inp.kind == "month":
        return _month(text)
    if inp.kind in ("number", "decimal"):
        return _number(text, inp.kind)
    if inp.kind == "choice" and inp.strict and not inp.allows(text):
        raise Invalid(N_("Chọn một giá trị trong danh sách."))
    return text


def typed(inp: Input, value: Any) -> str:
    """An API value as the input shows it."""
    if value is None:
        return ""
    text = str(value)
    if inp.kind == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"{text[8:10]}/{text[5:7]}/{text[:4]}"
    if inp.kind == "month" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"{text[5:7]}/{text[:4]}"
    return text


def typed_values(inputs: tuple[Input, ...], values: Mapping[str, Any]) -> dict[str, str]:
    shown: dict[str, str] = {}
    for inp in inputs:
        value = values.get(inp.key)
        for part in inp.parts:
            shown[part.name] = typed(part, value.get(part.key) if isinstance(value, Mapping) else None)
        if not inp.parts:
            shown[inp.name] = typed(inp, value)
    return shown


def message(error: Mapping[str, Any]) -> Message:
    """A pydantic error (profile-api's, or the same check here) in Vietnamese."""
    params = {k: str(v) for k, v in (error.get("ctx") or {}).items() if isinstance(v, str | int | float | Decimal)}
    return MESSAGES.get(str(error.get("type")), UNKNOWN), params


def read(inputs: tuple[Input, ...],
         form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str], dict[str, Message]]:
    """(values by key, what was typed by input name, errors by input name) of the inputs' part of `form`."""
    values: dict[str, Any] = {}
    shown: dict[str, str] = {}
    errors: dict[str, Message] = {}
    for inp in inputs:
        for one in inp.parts or (inp,):
            shown[one.name] = str(form.get(one.name, ""))
            try:
                value = parse(one, shown[one.name])
            except Invalid as bad:
                errors[one.name] = bad.message
                continue
            if inp.parts:
                values.setdefault(inp.key, {})
                if value is not None:
                    values[inp.key][one.key] = value
            else:
                values[inp.key] = value
        if inp.parts and not values.get(inp.key):
            values[inp.key] = None
    return values, shown, errors


@functools.cache
def _adapter(key: str) -> TypeAdapter[Any]:
    info = ProfileItems.model_fields[key]
    kind: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    return TypeAdapter(kind)


def check_items(inputs: tuple[Input, ...], values: dict[str, Any]) -> dict[str, Message]:
    """Each item against its type in `ProfileItems` (required, limits, code lists)."""
    errors: dict[str, Message] = {}
    for inp in inputs:
        value = values.get(inp.key)
        if value is None and inp.required:
            errors[inp.parts[0].name if inp.parts else inp.name] = (MESSAGES["missing"], {})
            continue
        try:
            _adapter(inp.key).validate_python(value)
        except ValidationError as exc:
            for e in exc.errors(include_url=False):
                part = e["loc"][0] if inp.parts and e["loc"] else None
                errors.setdefault(f"{inp.name}-{part}" if part else inp.name, message(e))
    return errors


def same_item(key: str, a: Any, b: Any) -> bool:
    """Equal as the API's type sees them (3.00 and 3 are one coefficient)."""
    adapter = _adapter(key)
    try:
        return bool(adapter.validate_python(a) == adapter.validate_python(b))
    except ValidationError:
        return bool(a == b)


def check_row(section: str, row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Message]]:
    """A row against its table's model: (the row as the API takes it, errors by column)."""
    model: type[BaseModel] = SECTIONS[section][1]
    try:
        return model.model_validate(row).model_dump(mode="json", exclude_none=True), {}
    except ValidationError as exc:
        errors: dict[str, Message] = {}
        for e in exc.errors(include_url=False):
            errors.setdefault(str(e["loc"][0]) if e["loc"] else "", message(e))
        return {}, errors
