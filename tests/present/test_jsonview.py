"""The JSON shapes of the API (search.present.jsonview) that are built apart from a search."""
from __future__ import annotations

from search.models import FacetValue
from search.present import jsonview


def test_a_facets_values_have_the_shape_of_a_searchs_facets():
    value = FacetValue("Tempo", "Tempo", 3, True, "?outlet=Tempo")
    assert jsonview.facet_json("outlet", [value]) == {
        "facet": "outlet", "total": 1, "values": [{"value": "Tempo", "count": 3, "selected": True}]}
    assert jsonview.facet_json("outlet", [value])["values"][0] == jsonview.facet_value_json(value)
