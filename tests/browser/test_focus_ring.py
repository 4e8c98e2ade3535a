"""The keyboard focus is visible on every background (WCAG 1.4.11: ≥ 3:1 against what is next
to it). Measured in Chromium on the public form: every focus stop, tabbing from the top, shows
a ring of which at least one colour stands out 3:1 from the page and from the element itself."""

from __future__ import annotations

FORM = "besoins-numeriques-habitants"

RINGS = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const colours = [style.outlineColor];
    const shadow = style.boxShadow.match(/rgba?\\([^)]*\\)/g) || [];
    colours.push(...shadow);
    // What the ring is drawn against: the first opaque background from the element's parent up.
    let node = el.parentElement, behind = 'rgb(255, 255, 255)';
    while (node) {
        const bg = getComputedStyle(node).backgroundColor;
        if (bg && !bg.startsWith('rgba(0, 0, 0, 0)') && bg !== 'transparent') { behind = bg; break; }
        node = node.parentElement;
    }
    return {tag: el.tagName, width: style.outlineWidth, colours, behind, own: style.backgroundColor};
}"""


def luminance(rgb: str) -> float:
    values = [float(v) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]

    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in values)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    a, b = sorted((luminance(one), luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_every_focus_stop_of_the_form_shows_a_ring_of_at_least_3_to_1(context, server):
    page = context.new_page()
    page.goto(f"{server.url}/c/{FORM}/")
    problems, seen = [], 0
    for _ in range(60):
        page.keyboard.press("Tab")
        ring = page.evaluate(RINGS)
        if ring["tag"] == "BODY":
            break
        seen += 1
        best = max(contrast(colour, ring["behind"]) for colour in ring["colours"])
        if ring["width"] in ("0px", "") or best < 3:
            problems.append(f"{ring['tag']} : {best:.2f}:1 sur {ring['behind']} ({ring['colours']})")
    assert seen > 20 and problems == []
