"""Post an admin change form as a browser would: everything the page showed, plus changes."""

from django.forms import CheckboxInput


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
        if isinstance(bound.field.widget, CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        elif value is not None:
            formatted = bound.field.widget.format_value(value)
            data[bound.html_name] = "" if formatted is None else formatted
