"""The menu entries of the generic pages themselves: home, imports and the admin."""

from django.utils.translation import gettext_lazy as _

from federation.ledgers.imports.framework import may_import
from federation.web.pages import MenuGroup, add_menu_group

add_menu_group(MenuGroup("home", _("首页"), 0, url_name="home"))
add_menu_group(MenuGroup("imports", _("导入"), 40, url_name="imports:start", shown=may_import))
add_menu_group(MenuGroup("admin", _("管理"), 90, url_name="admin:index", shown=lambda user: user.is_staff))
