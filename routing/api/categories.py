"""The category catalogue, public: what a citizen or a client application may file under."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from routing.models import Category
from routing.selectors import categories
from tenants.access import Public


class CategoryOutput(serializers.Serializer[Category]):
    key = serializers.CharField()
    topic = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    keywords = serializers.ListField(child=serializers.CharField())


class CategoryApi(APIView):
    permission_classes = [Public]

    @extend_schema(responses=CategoryOutput(many=True), operation_id="category_catalogue")
    def get(self, request: Request) -> Response:
        return Response(CategoryOutput(categories(), many=True).data)  # type: ignore[arg-type]
