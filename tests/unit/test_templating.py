"""The application's Jinja environment (templating.py): template globals as Jinja's own,
with keys() a plain set so importing a macro does not look each key up map by map."""

from __future__ import annotations

from collections import ChainMap

from jinja2 import DictLoader

from forms_service.templating import JinjaEnvironment, TemplateGlobals


def test_template_globals_read_as_a_chain_map_and_their_keys_are_a_set():
    own, shared = {"a": 1}, {"a": 0, "b": 2}
    globals_ = TemplateGlobals(own, shared)
    assert isinstance(globals_, ChainMap)
    assert isinstance(globals_.keys(), set)
    assert globals_.keys() == {"a", "b"} == set(ChainMap(own, shared))
    assert globals_["a"] == 1 and globals_["b"] == 2
    shared["c"] = 3  # the environment's globals stay live
    assert globals_.keys() >= {"c"} and globals_["c"] == 3


def test_imported_macros_see_the_importing_templates_globals():
    class App:  # the least of a Flask app the environment reads
        import_name = "tests"
        jinja_options: dict = {}

        def create_global_jinja_loader(self):
            return DictLoader(
                {
                    "macro.html": "{% macro hello() %}{{ greeting }} {{ name }}{% endmacro %}",
                    "page.html": '{% from "macro.html" import hello with context %}{{ hello() }}',
                }
            )

    env = JinjaEnvironment(App(), loader=App().create_global_jinja_loader())
    env.globals["greeting"] = "Hello"
    page = env.get_template("page.html", globals={"name": "Ann"})
    assert page.render() == "Hello Ann"
    env.globals["greeting"] = "Helo"  # a global changed after loading is seen
    assert page.render() == "Helo Ann"
