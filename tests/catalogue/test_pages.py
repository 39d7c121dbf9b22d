"""The grid page, a cell's list and initiative detail, in Japanese and English."""

import re


def test_grid_page_shows_21_cells_in_japanese(client, users):
    users.login("owner@acme.example")
    page = client.get("/", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert len(re.findall(r'<td class="cell', page)) == 21
    assert "ゆる" in page and "カチ" in page and "スタートアップ" in page
    assert 'href="/initiatives?venue=community&amp;level=loose"' in page


def test_grid_page_in_english_via_switch(client, users):
    users.login("owner@acme.example")
    client.get("/lang/en")
    page = client.get("/", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "Loose" in page and "Firm" in page and "Initiative catalogue" in page


def test_cell_opens_its_initiatives_and_detail(client, users):
    users.login("owner@acme.example")
    page = client.get(
        "/initiatives?venue=community&level=loose", headers={"Accept-Language": "ja"}
    ).get_data(as_text=True)
    assert "ミドル・シニア向け社外メンタリング" in page
    initiative_id = re.search(r'href="/initiatives/(\d+)"', page).group(1)
    detail = client.get(f"/initiatives/{initiative_id}", headers={"Accept-Language": "en"})
    assert detail.status_code == 200 and "Expected effects" in detail.get_data(as_text=True)
    assert client.get("/initiatives/999999").status_code == 404
    assert (
        client.get("/initiatives?venue=moon").status_code == 200
    )  # unknown filter: empty list, not an error
