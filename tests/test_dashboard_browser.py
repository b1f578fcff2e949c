"""The four dashboard pages in Chromium on the demo data: occupancy figures, charts
drawn, no Streamlit exception; screenshots in test-artifacts/."""

from playwright.sync_api import expect

from tests.browser import exceptions_on_page, open_path, screenshot, sign_in


def test_dashboards_in_chromium(served_demo, page):
    open_path(page, served_demo.url, "overblik")
    sign_in(page, "leder")
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("5 af 6 i brug")).to_be_visible()
    expect(main.get_by_text("83,3 %").first).to_be_visible()
    expect(main.get_by_text("8 af 10 i brug")).to_be_visible()
    expect(main.get_by_text("80,0 %").first).to_be_visible()
    expect(page.locator(".vega-embed").first).to_be_visible()
    assert exceptions_on_page(page) == 0
    screenshot(page, "dashboard-overblik")
    for path, heading in (
        ("opfolgning", "Overskredet nu"),
        ("progression", "Stjerne for én deltager"),
        ("resultater", "Beviser"),
    ):
        open_path(page, served_demo.url, path)
        expect(main.get_by_text(heading)).to_be_visible()
        expect(page.locator(".vega-embed").first).to_be_visible()
        assert exceptions_on_page(page) == 0, path
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0, path
        screenshot(page, f"dashboard-{path}")
