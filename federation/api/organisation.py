"""The organisation tree a user sees (乡镇 → 村 → 村民小组) and a year's rule values: read only."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from federation.core.models import Township, Village, VillageGroup, YearSettings, year_settings


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = VillageGroup
        fields = ("id", "number", "name")


class VillageSerializer(serializers.ModelSerializer):
    groups = GroupSerializer(many=True, read_only=True)

    class Meta:
        model = Village
        fields = ("id", "code", "name", "groups")


class TownshipSerializer(serializers.ModelSerializer):
    villages = VillageSerializer(many=True, read_only=True)

    class Meta:
        model = Township
        fields = ("id", "code", "name", "villages")


class OrganisationView(APIView):
    """The townships, villages and groups of the user's scope (the one scoping rule)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TownshipSerializer(many=True), tags=["organisation"])
    def get(self, request):
        user = request.user
        villages = list(Village.objects.for_user(user).order_by("code"))
        groups: dict[int, list] = {}
        for group in VillageGroup.objects.for_user(user).order_by("number"):
            groups.setdefault(group.village_id, []).append(group)
        townships = {t.pk: t for t in Township.objects.filter(pk__in={v.township_id for v in villages})}
        tree = []
        for township in sorted(townships.values(), key=lambda t: t.code):
            own = [v for v in villages if v.township_id == township.pk]
            tree.append(
                {
                    **{k: getattr(township, k) for k in ("id", "code", "name")},
                    "villages": [
                        {
                            **{k: getattr(v, k) for k in ("id", "code", "name")},
                            "groups": GroupSerializer(groups.get(v.pk, []), many=True).data,
                        }
                        for v in own
                    ],
                }
            )
        return Response(tree)


class YearSettingsSerializer(serializers.ModelSerializer):
    ages_on = serializers.DateField(read_only=True, help_text="The day ages are counted on (统计截止日).")

    class Meta:
        model = YearSettings
        exclude = ("id",)


class YearSettingsView(APIView):
    """A year's rule values (ages, months, the poverty line, the reference date…): its row or the defaults."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=YearSettingsSerializer,
        tags=["organisation"],
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description="2000..2100")
        ],
    )
    def get(self, request, year: str):
        year = int(year) if year.isdigit() else 0
        if not 2000 <= year <= 2100:
            raise exceptions.NotFound(_("只有 2000 至 2100 年的设置。"))
        try:
            found = year_settings(year)
        except ValidationError as exc:
            raise exceptions.NotFound() from exc
        return Response(YearSettingsSerializer(found).data)
