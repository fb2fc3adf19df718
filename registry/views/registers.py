"""Pages of the registers: list, detail, create, edit, soft delete, restore — all scoped."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from federation.core.models import Village, year_settings
from federation.web.generic import (
    DomainCreateView,
    DomainDeletedListView,
    DomainDeleteView,
    DomainDetailView,
    DomainListView,
    DomainRestoreView,
    DomainUpdateView,
    int_param,
)
from registry import selectors
from registry.forms.registers import (
    HardshipChildForm,
    LeftBehindChildForm,
    LeftBehindWomanForm,
    PoorWomanForm,
    VillageDirectorForm,
    WomensHomeForm,
)
from registry.models import (
    HardshipChild,
    LeftBehindChild,
    LeftBehindWoman,
    PoorWoman,
    VillageDirector,
    WomensHome,
)
from registry.views.filters import ListFiltersMixin

PERSON_COLUMNS = [
    (_("姓名"), "person.name"),
    (_("村组"), "person.household.group"),
    (_("身份证号"), "person.id_number"),
]


class RegisterListView(ListFiltersMixin, DomainListView):
    """A yearly register's list: search by name or ID (last 4 too), filter by group and year."""

    template_name = "federation/domain_list.html"

    def get_queryset(self):
        return selectors.register_entries(
            model=self.model,
            user=self.request.user,
            search=self.search(),
            group_id=self.group_id(),
            year=self.year(),
        )


class RegisterDetailView(DomainDetailView):
    template_name = "federation/domain_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("person__village", "person__household__group")


class RegisterCreateView(DomainCreateView):
    """Create an entry; ``?person=ID`` (from a person's page or a candidate list) preselects her."""

    def get_initial(self):
        initial = super().get_initial()
        for name in ("person", "year"):
            value = int_param(self.request, name)
            if value:
                initial[name] = value
        if self.request.GET.get("parents_away"):
            initial["parents_away"] = self.request.GET["parents_away"]
        return initial


class VillageRecordCreateView(DomainCreateView):
    """Create a village record; a director's own village is preselected."""

    def get_initial(self):
        initial = super().get_initial()
        villages = Village.objects.for_user(self.request.user)
        if villages.count() == 1:
            initial["village"] = villages.get()
        return initial


def register_urls(
    model,
    form_class,
    columns,
    *,
    prefix: str,
    list_view=RegisterListView,
    detail_view=RegisterDetailView,
    create_view=RegisterCreateView,
    list_attrs: dict | None = None,
):
    """Return the seven URL patterns of a register: list, new, deleted, detail, edit, delete, restore."""
    name = model._meta.model_name
    attrs = {"model": model, "columns": columns, **(list_attrs or {})}
    return [
        path(f"{prefix}/", type(f"{model.__name__}List", (list_view,), attrs).as_view(), name=f"{name}_list"),
        path(
            f"{prefix}/new/",
            type(
                f"{model.__name__}Create", (create_view,), {"model": model, "form_class": form_class}
            ).as_view(),
            name=f"{name}_create",
        ),
        path(
            f"{prefix}/deleted/",
            type(f"{model.__name__}Deleted", (DomainDeletedListView,), {"model": model}).as_view(),
            name=f"{name}_deleted",
        ),
        path(
            f"{prefix}/<int:pk>/",
            type(f"{model.__name__}Detail", (detail_view,), {"model": model}).as_view(),
            name=f"{name}_detail",
        ),
        path(
            f"{prefix}/<int:pk>/edit/",
            type(
                f"{model.__name__}Update", (DomainUpdateView,), {"model": model, "form_class": form_class}
            ).as_view(),
            name=f"{name}_update",
        ),
        path(
            f"{prefix}/<int:pk>/delete/",
            type(f"{model.__name__}Delete", (DomainDeleteView,), {"model": model}).as_view(),
            name=f"{name}_delete",
        ),
        path(
            f"{prefix}/<int:pk>/restore/",
            type(f"{model.__name__}Restore", (DomainRestoreView,), {"model": model}).as_view(),
            name=f"{name}_restore",
        ),
    ]


class LeftBehindWomanListView(RegisterListView):
    """The left-behind women, and the women who meet the conditions but are not registered yet."""

    template_name = "registry/leftbehindwoman_list.html"
    intro = _(
        "农村留守妇女：年龄在 20 至 50 周岁之间，丈夫县外务工 3 个月以上，单独或与其他家庭成员居住在户籍地。"
        "年龄和外出时间按登记年度的统计截止日计算。"
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        candidates = selectors.left_behind_woman_candidates(user=self.request.user, year=self.year())
        context["candidates"] = candidates[:100]
        context["candidate_count"] = candidates.count()
        context["ages_on"] = year_settings(self.year()).ages_on
        return context


class LeftBehindChildListView(RegisterListView):
    """The left-behind children, and the children whose parents work away but are not registered yet."""

    template_name = "registry/leftbehindchild_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["candidates"] = selectors.left_behind_child_candidates(
            user=self.request.user, year=self.year()
        )
        context["ages_on"] = year_settings(self.year()).ages_on
        return context


class SimpleVillageListView(DomainListView):
    """A list of village records (directors, women's homes), searched by village or name."""

    template_name = "federation/domain_list.html"
    search_placeholder = _("村名或姓名")

    def get_queryset(self):
        qs = self.model.objects.for_user(self.request.user).select_related("village")
        search = self.request.GET.get("q", "").strip()
        if search:
            from django.db.models import Q

            condition = Q(village__name__contains=search)
            if hasattr(self.model, "name"):
                condition |= Q(name__contains=search)
            qs = qs.filter(condition)
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["search"] = self.request.GET.get("q", "")
        return context


class VillageRecordDetailView(DomainDetailView):
    template_name = "federation/domain_detail.html"


urlpatterns = [
    *register_urls(
        LeftBehindChild,
        LeftBehindChildForm,
        [
            *PERSON_COLUMNS,
            (_("性别"), "person.get_sex_display"),
            (_("出生日期"), "person.birth_date"),
            (_("外出情况"), "get_parents_away_display"),
            (_("监护人"), "guardian_name"),
            (_("就读学校"), "school"),
        ],
        prefix="left-behind-children",
        list_view=LeftBehindChildListView,
        list_attrs={
            "intro": _(
                "留守儿童：父母外出务工的不满 16 周岁的儿童，包括父母在看守所的；注明父母双方还是一方外出。"
            )
        },
    ),
    *register_urls(
        HardshipChild,
        HardshipChildForm,
        [
            *PERSON_COLUMNS,
            (_("性别"), "person.get_sex_display"),
            (_("出生日期"), "person.birth_date"),
            (_("困难原因"), "get_reason_display"),
            (_("监护人"), "guardian_name"),
        ],
        prefix="hardship-children",
        list_attrs={"intro": _("特殊困难儿童：失去父母、由其他亲属抚养的儿童；注明是否父母双亡或其他原因。")},
    ),
    *register_urls(
        LeftBehindWoman,
        LeftBehindWomanForm,
        [*PERSON_COLUMNS, (_("出生日期"), "person.birth_date"), (_("居住情况"), "get_lives_with_display")],
        prefix="left-behind-women",
        list_view=LeftBehindWomanListView,
    ),
    *register_urls(
        PoorWoman,
        PoorWomanForm,
        [
            *PERSON_COLUMNS,
            (_("人均纯收入"), "household_income"),
            (_("致贫原因"), "get_reason_display"),
            (_("低保"), "in_dibao"),
            (_("结对帮扶"), "paired"),
            (_("救助"), "relief"),
        ],
        prefix="poor-women",
        list_attrs={
            "intro": _(
                "农村贫困妇女：家庭人均纯收入低于贫困线（2014 年为 2300 元，按年度设置）的家庭中的妇女。"
            )
        },
    ),
    *register_urls(
        VillageDirector,
        VillageDirectorForm,
        [
            (_("姓名"), "name"),
            (_("村"), "village"),
            (_("工作单位"), "work_unit"),
            (_("任职时间"), "in_office_since"),
            (_("进村两委情况"), "get_committee_seat_display"),
            (_("是否在编"), "on_payroll"),
            (_("联系电话"), "phone"),
        ],
        prefix="village-directors",
        list_view=SimpleVillageListView,
        detail_view=VillageRecordDetailView,
        create_view=VillageRecordCreateView,
    ),
    *register_urls(
        WomensHome,
        WomensHomeForm,
        [
            (_("村"), "village"),
            (_("是否挂牌"), "signed_up"),
            (_("挂牌时间"), "signed_up_on"),
            (_("妇联办公室"), "has_office"),
        ],
        prefix="womens-homes",
        list_view=SimpleVillageListView,
        detail_view=VillageRecordDetailView,
        create_view=VillageRecordCreateView,
        list_attrs={"add_label": _("登记妇女之家")},
    ),
]
