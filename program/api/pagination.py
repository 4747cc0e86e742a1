from django.core.paginator import InvalidPage
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


def positive_whole_number(parameter, value):
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise ValidationError({parameter: [f"{value} is not a whole number from 1 up."]})
    return int(value)


class ApiPagination(PageNumberPagination):
    """``page`` and ``page_size`` (50 by default, at most 500).

    DRF falls back to the default size on a malformed ``page_size`` and answers 404 to a
    malformed page; here both name the parameter in a 400, like every other bad parameter.
    A well-formed page past the last is a page that does not exist: 404, as DRF answers.
    """

    page_size = 50
    max_page_size = 500
    page_size_query_param = "page_size"
    page_size_query_description = "Results per page: 50 by default; more than 500 gives 500."
    page_query_description = "A page number, from 1 (or `last`)."

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if not value:
            return self.page_size
        return min(positive_whole_number(self.page_size_query_param, value), self.max_page_size)

    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param)
        if not value:
            return 1
        if value in self.last_page_strings:
            return paginator.num_pages
        number = positive_whole_number(self.page_query_param, value)
        try:
            paginator.validate_number(number)
        except InvalidPage as error:
            message = f"Page {number} does not exist: the last page is {paginator.num_pages}."
            raise NotFound(message) from error
        return number

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
