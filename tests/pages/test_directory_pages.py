"""Directory, profile and providers pages through AppTest: search and filters from the
URL, the fictional-data banner, a profile with funding history, the add and edit forms
with field-named errors, the demo switch, and a provider match."""

from __future__ import annotations

from models import directory_search, organisations, store
from tests.pages.conftest import axis_lines, chart_specs, metrics, run_page
from ui import directory as directory_ui


def frame_with(app, column: str):
    """The first dataframe shown with ``column`` (AppTest does not expose dataframe keys)."""
    for element in app.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no table with a '{column}' column")


def texts(app) -> str:
    return "\n".join(
        [m.value for m in app.markdown] + [w.value for w in app.warning] + [e.value for e in app.error]
        + [i.value for i in app.info] + [s.value for s in app.subheader] + [c.value for c in app.caption]
    )


def test_directory_search_from_url_filters_and_labels_fictional(db_path):
    app = run_page("directory.py", {"directory.q": "foodbank", "directory.district": "Congleton"})
    assert not app.exception
    results = frame_with(app, "fictional")
    with store.opened(db_path) as db:
        expected = directory_search.search(db, directory_search.DirectoryFilter(query="foodbank", districts=("Congleton",)), 500)
    assert list(results["name"]) == list(expected.rows["name"]) and len(results) > 0
    assert all("Congleton" in d for d in results["districts"])
    assert set(results["fictional"]) == {"Fictional"}
    assert "Fictional demonstration data" in texts(app)
    assert f"{expected.total:,} organisations match" in texts(app)


def test_directory_no_results_says_so(db_path):
    app = run_page("directory.py", {"directory.q": "zzzzqqq"})
    assert not app.exception
    assert "No organisations match" in texts(app)


def test_add_form_names_fields_and_then_adds(db_path):
    app = run_page("directory.py")
    assert not [w for w in app.text_input if w.key == "directory.add.name"]  # drawn once its expander opens
    app.session_state["directory.add_open"] = True
    app.run()
    app.text_input(key="directory.add.name").input("")
    app.button(key="FormSubmitter:directory.add-Add organisation").click().run()
    shown = texts(app)
    assert "Name: enter the organisation's name" in shown and "Districts served" in shown
    app.text_input(key="directory.add.name").input("Pagetest Knitting Circle")
    app.text_input(key="directory.add.charity_number").input("5123456")
    app.selectbox(key="directory.add.org_type").select("charity")
    app.multiselect(key="directory.add.districts").select("Macclesfield")
    app.multiselect(key="directory.add.themes").select("Culture, sport and leisure")
    app.text_area(key="directory.add.description").input("Knitting and crochet sessions for lonely older people.")
    app.text_input(key="auth.name").input("Page Tester")  # the sidebar name (sign-in off)
    app.button(key="FormSubmitter:directory.add-Add organisation").click().run()
    assert not app.exception
    assert any("Added Pagetest Knitting Circle as GB-CHC-5123456" in s.value for s in app.success)
    with store.opened(db_path) as db:
        assert organisations.get(db, "GB-CHC-5123456")["districts"] == ["Macclesfield"]
        assert organisations.changes(db, "GB-CHC-5123456")[0]["who"] == "Page Tester"


def test_demo_switch_off_hides_demo_rows(db_path):
    app = run_page("directory.py")
    app.session_state["directory.demo_open"] = True
    app.run()
    app.toggle(key="directory.demo_toggle").set_value(False)
    app.button(key="FormSubmitter:directory.demo_form-Save setting").click().run()
    assert not app.exception
    with store.opened(db_path) as db:
        assert not organisations.demo_shown(db)
    app = run_page("directory.py")
    assert "0 organisations match" in texts(app)
    assert "Fictional demonstration data." not in texts(app)


def test_profile_shows_details_funding_and_fictional_label(db_path):
    with store.opened(db_path) as db:
        record = organisations.get(db, "DEMO-0001")
        db["spend"].insert({
            "uid": "page-test-1", "financial_year": "2008/09", "body_type": "local_government",
            "authority": "Macclesfield Borough Council", "district": "Macclesfield", "funding_type": "grant",
            "amount_pence": 1234567, "recipient": record["name"], "recipient_id": "DEMO-0001", "source": "test", "loaded_at": "now",
        })
    app = run_page("organisation.py", {"org": "DEMO-0001"})
    assert not app.exception
    assert app.title[0].value == record["name"]
    assert "Fictional demonstration data" in texts(app)
    assert "£12,345.67" in texts(app)  # the chart's description, to the penny
    assert any(e.label == "Table: Grants and contracts to " + record["name"] + " by financial year" for e in app.expander)


def test_profile_unknown_and_missing_ids(db_path):
    app = run_page("organisation.py", {"org": "GB-CHC-0000000"})
    assert not app.exception and "There is no organisation" in texts(app)
    app = run_page("organisation.py")
    assert not app.exception and "Choose an organisation" in texts(app)


def test_profile_edit_is_validated_and_logged(db_path):
    app = run_page("organisation.py", {"org": "DEMO-0002"})
    app.text_input(key="auth.name").input("Editor")  # the sidebar name (sign-in off)
    app.text_input(key="organisation.edit.income").input("lots")
    app.button(key="FormSubmitter:organisation.edit-Save changes").click().run()
    assert "Latest annual income: 'lots' is not an amount" in texts(app)
    app.text_input(key="organisation.edit.income").input("250000")
    app.text_input(key="organisation.edit.reason").input("new accounts")
    app.button(key="FormSubmitter:organisation.edit-Save changes").click().run()
    assert not app.exception
    with store.opened(db_path) as db:
        entry = organisations.changes(db, "DEMO-0002")[0]
    assert entry["after"] == {"latest_income": "£250,000.00"} and entry["reason"] == "new accounts"
    log = frame_with(app, "Who")
    assert log.iloc[0]["Who"] == "Editor"


def test_providers_match_depth_and_overlap(db_path):
    app = run_page("providers.py")
    assert not app.exception
    assert not frame_with(app, "shared_terms").empty
    app.text_area(key="providers.spec").input("Emergency food parcels for families in crisis")
    app.button(key="FormSubmitter:providers.match_form-Find providers").click().run()
    assert not app.exception
    ranked = frame_with(app, "matched_terms")
    assert len(ranked) == 10 and "food" in ranked.iloc[0]["matched_terms"]
    assert list(ranked["score"]) == sorted(ranked["score"], reverse=True)
    labels = [m.label for m in app.metric]
    assert "Could bid in Congleton" in labels
    app.text_area(key="providers.spec").input("   ")
    app.button(key="FormSubmitter:providers.match_form-Find providers").click().run()
    assert "Service specification" in texts(app)


def test_depth_heatmap_has_room_for_its_cells_and_whole_labels(db_path):
    """At 390 px the grid was squashed to slivers (Streamlit fits title, axis and legend into
    the chart's height) and theme names were cut ("Healthier communities and ...")."""
    app = run_page("providers.py")
    assert not app.exception
    (spec,) = [s for s in chart_specs(app) if "Organisations by Local Area Agreement" in str(s["title"]["text"])]
    assert spec["height"] == 44 * 6 + directory_ui.HEATMAP_FRAME  # six themes, 44 px a row, plus the frame
    assert spec["title"]["text"] == ["Organisations by Local Area Agreement", "theme and district served"]
    y, x = spec["layer"][0]["encoding"]["y"], spec["layer"][0]["encoding"]["x"]
    assert axis_lines(y)["Healthier communities and older people"] == ["Healthier communities", "and older people"]
    assert y["axis"]["labelOverlap"] is False
    assert axis_lines(x)["Crewe and Nantwich"] == ["Crewe &", "Nantwich"]
    assert axis_lines(x)["Macclesfield"] == ["Macclesfield"]  # never broken inside a word


def test_overlap_controls_narrow_the_pairs(db_path):
    """The overlap finder (a fragment of its own: its controls rerun only it) shows fewer,
    closer pairs when the overlap is raised."""
    app = run_page("providers.py")
    before = int(metrics(app)["Pairs whose services overlap"].replace(",", ""))
    app.slider(key="providers.overlap_threshold").set_value(0.9).run()
    assert not app.exception
    after = int(metrics(app)["Pairs whose services overlap"].replace(",", ""))
    assert 0 < after < before
    assert (frame_with(app, "shared_terms")["score"] >= 0.9).all()
