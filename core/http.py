from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int = 25) -> Page:
    """The page named by ``?page=`` (the last one when out of range, the first when garbled)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
