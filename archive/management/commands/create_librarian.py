"""Create a librarian account: python manage.py create_librarian NAME --password P

A librarian is staff (may sign in to /admin/) but not a superuser, and a member of the
"Librarians" group, whose permissions this command (re)sets on every run: documents, their
blocks and footnotes, and the glossary.  Nothing else: no users, groups or settings.
"""

from __future__ import annotations

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

LIBRARIANS_GROUP = "Librarians"
# (app label, model) pairs a librarian manages; each gets view/add/change/delete.
LIBRARIAN_MODELS = [
    ("archive", "document"),
    ("archive", "paragraph"),
    ("archive", "footnote"),
    ("archive", "abbreviation"),
]
_ACTIONS = ("view", "add", "change", "delete")


def librarian_permissions() -> list[Permission]:
    codenames = {f"{action}_{model}" for _app, model in LIBRARIAN_MODELS for action in _ACTIONS}
    perms = list(
        Permission.objects.filter(
            content_type__app_label__in={app for app, _model in LIBRARIAN_MODELS}, codename__in=codenames
        )
    )
    if len(perms) != len(codenames):
        raise CommandError(_("权限还没有创建：请先运行 python manage.py migrate。"))
    return perms


def librarians_group() -> Group:
    """The Librarians group with exactly the librarian permissions (created or corrected)."""
    group, _created = Group.objects.get_or_create(name=LIBRARIANS_GROUP)
    group.permissions.set(librarian_permissions())
    return group


class Command(BaseCommand):
    help = _("创建一个馆员账户：可以登录管理后台，管理文件、段落、脚注和简称词表，但不能管理用户和设置。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help=_("登录用户名"))
        parser.add_argument("--password", help=_("密码；不提供时会提示输入"))
        parser.add_argument("--email", default="", help=_("电子邮件地址（可选）"))

    def handle(self, *args, **opts) -> None:
        User = get_user_model()
        username: str = opts["username"].strip()
        if not username:
            raise CommandError(_("用户名不能为空。"))
        if User.objects.filter(username=username).exists():
            raise CommandError(_("用户 %(name)s 已存在。") % {"name": username})
        password = opts["password"]
        if password is None:
            password = getpass.getpass(_("密码："))
            if password != getpass.getpass(_("再次输入密码：")):
                raise CommandError(_("两次输入的密码不一致。"))
        user = User(username=username, email=opts["email"], is_staff=True, is_superuser=False)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(librarians_group())
        self.stdout.write(_("已创建馆员 %(name)s，可在 /admin/ 登录。") % {"name": username})
