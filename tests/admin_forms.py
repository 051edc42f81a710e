"""Post an admin change form as a browser would: everything the page showed, plus changes."""

from django.forms import CheckboxInput, MultiWidget


def page_form_data(response) -> dict:
    """The data a browser would post back from an admin add/change page, inlines included."""
    assert response.status_code == 200, response.status_code
    data: dict = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets") or []:
        _add_form(data, inline.formset.management_form)
        for form in inline.formset.forms:
            _add_form(data, form)
    return data


def _add_form(data: dict, form) -> None:
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, MultiWidget):  # a date and a time box, say
            parts = value if isinstance(value, list) else widget.decompress(value)
            for suffix, sub, part in zip(widget.widgets_names, widget.widgets, parts, strict=True):
                formatted = sub.format_value(part)
                data[bound.html_name + suffix] = "" if formatted is None else formatted
        elif isinstance(widget, CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        elif value is not None:
            formatted = bound.field.widget.format_value(value)
            data[bound.html_name] = "" if formatted is None else formatted
