"""The interface catalog, one module a topic, each with `ID` and `EN` dicts of message keys.

search.present.i18n merges every module of this package (a key may be defined once only), so a
feature adds its words in its own module. tests check that both languages have the same keys.
"""
