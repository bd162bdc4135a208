"""The account page, which the account's forms and the emailed-link pages both answer with."""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user

from teamkit.auth import services
from teamkit.auth.forms import ApiTokenForm, EmailForm, NameForm, PasswordForm
from teamkit.capability import registry
from teamkit.db import get_session
from teamkit.forms import ConfirmForm
from teamkit.mail import is_configured


def account_page(
    *,
    token_form: ApiTokenForm | None = None,
    password_form: PasswordForm | None = None,
    name_form: NameForm | None = None,
    email_form: EmailForm | None = None,
    new_token: str | None = None,
) -> tuple[str, int]:
    """Render the account page with the given forms (422 when one of them has errors)."""
    db = get_session()
    forms = [f for f in (token_form, password_form, name_form, email_form) if f is not None]
    status = 422 if any(f.errors or f.form_errors for f in forms) else 200
    return render_template(
        "auth/account.html",
        form=token_form or ApiTokenForm(formdata=None),
        new_token=new_token,
        tokens=services.list_api_tokens(db, current_user),
        sections=registry().fill("account", db, current_user),
        confirm=ConfirmForm(formdata=None),
        password_form=password_form or PasswordForm(formdata=None),
        name_form=name_form or NameForm(formdata=None, data={"your_name": current_user.name}),
        email_form=email_form or EmailForm(formdata=None),
        mail=is_configured(current_app),
    ), status
