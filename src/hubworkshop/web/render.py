"""The participants' page as HTML: a few KB, readable without JavaScript or CSS, every
word of ours from the gettext catalogs, every word of a participant's escaped (text, never
markup). WCAG 2.2 AA: a skip link, a label on every control, one heading order, focus
visible, buttons to rank (no dragging), contrast of at least 4.5:1, reflow at 200%."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from html import escape

from hubworkshop.domain.i18n import available
from hubworkshop.domain.languages import native_name
from hubworkshop.domain.model import Consent, Participant
from hubworkshop.workshop.participate import KINDS, Point, RoomView

Tr = gettext.NullTranslations

STYLE = """
:root{color:#1a1a1a;background:#fff;font:1rem/1.5 system-ui,sans-serif}
body{max-width:40rem;margin:0 auto;padding:0 1rem 3rem}
a{color:#0a4a94}
.skip{position:absolute;left:-999rem}
.skip:focus{position:static;display:inline-block;padding:.5rem;background:#ffd}
:focus-visible{outline:3px solid #b8540b;outline-offset:2px}
button{font:inherit;padding:.45rem .9rem;border:2px solid #0a4a94;border-radius:.3rem;
background:#0a4a94;color:#fff;cursor:pointer;min-height:44px;min-width:44px}
button.quiet{background:#fff;color:#0a4a94}
input,select,textarea{font:inherit;border:2px solid #555;border-radius:.3rem;padding:.4rem;
max-width:100%;box-sizing:border-box}
textarea{width:100%}
fieldset{border:1px solid #767676;border-radius:.3rem}
ul.points{list-style:none;padding:0}
ul.points li{border-top:1px solid #767676;padding:.5rem 0}
.kind{font-weight:700}
.badge{font-size:.875rem;color:#4a4a4a}
.msg{border-left:.3rem solid #b00020;padding:.5rem;background:#fdecee}
.ok{border-left:.3rem solid #1b6e2a;padding:.5rem;background:#e9f5eb}
.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
form.inline{display:inline}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
"""

SCRIPT = """(function(){var l=document.getElementById('live');
if(!l||!window.EventSource)return;var s=new EventSource(l.getAttribute('data-events'));
function q(n){var e=n.querySelector('[data-question]');return e?e.getAttribute('data-question'):'';}
s.onmessage=function(e){if(l.innerHTML===e.data)return;var d=document.createElement('div');
d.innerHTML=e.data;if(q(d)!==q(l)){s.close();location.reload();return;}l.innerHTML=e.data;};
s.addEventListener('append',function(e){var u=l.querySelector('ul.points');if(!u)return;
var d=document.createElement('ul');d.innerHTML=e.data;while(d.firstElementChild){
var i=d.firstElementChild;d.removeChild(i);if(!document.getElementById(i.id))u.appendChild(i);}});})();
"""


def kind_name(t: Tr, kind: str) -> str:
    return t.pgettext("kind", kind)


def shell(t: Tr, lang: str, title: str, body: str, *, switch: str = "") -> str:
    """The page around `body`: language, title, skip link, the style and the script."""
    _ = t.gettext
    return (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="/p/style.css">'
        '<script src="/p/app.js" defer></script></head><body>'
        f'<a class="skip" href="#main">' + escape(_("Skip to content")) + f"</a>"
        f"<header>{switch}</header>"
        f'<main id="main" tabindex="-1">{body}</main></body></html>'
    )


def language_switch(t: Tr, lang: str, here: str) -> str:
    _ = t.gettext
    links = []
    for code in available():
        name = escape(native_name(code))
        if code == lang:
            links.append(f'<span aria-current="true">{name}</span>')
        else:
            links.append(
                f'<a href="{escape(here)}?lang={code}" lang="{code}" hreflang="{code}">{name}</a>'
            )
    return (
        '<nav aria-label="'
        + escape(_("Language"))
        + '" class="row">'
        + " · ".join(links)
        + "</nav>"
    )


def message(text: str, *, ok: bool = False) -> str:
    role = "status" if ok else "alert"
    return f'<p class="{"ok" if ok else "msg"}" role="{role}">{escape(text)}</p>'


def consent_choices(t: Tr, chosen: Consent) -> str:
    _ = t.gettext
    options = (
        (Consent.NAMED, _("Named: the summary may credit my words to my name")),
        (Consent.ANONYMOUS, _("Anonymous: my words, without my name")),
        (Consent.OFF_RECORD, _("Off the record: only this room sees my words")),
    )
    rows = "".join(
        f'<div><input type="radio" name="consent" id="c-{c.value}" value="{c.value}"'
        f'{" checked" if c is chosen else ""}> <label for="c-{c.value}">{escape(text)}</label></div>'
        for c, text in options
    )
    return (
        "<fieldset><legend>"
        + escape(_("How may your words be used?"))
        + f"</legend>{rows}</fieldset>"
    )


def where_words_go(t: Tr) -> str:
    _ = t.gettext
    return (
        "<p>"
        + escape(
            _(
                "What you write here goes into this workshop's summary, published on Meta-Wiki "
                "under the wiki's free licence (CC BY-SA), unless you choose off the record."
            )
        )
        + "</p>"
    )


def join_page(t: Tr, lang: str, room_name: str, action: str, error: str = "") -> str:
    _ = t.gettext
    body = (
        f"<h1>{escape(room_name)}</h1>"
        + (message(error) if error else "")
        + where_words_go(t)
        + f'<form method="post" action="{escape(action)}">'
        + consent_choices(t, Consent.ANONYMOUS)
        + '<p><label for="name">'
        + escape(_("Your name (only if you chose named)"))
        + "</label><br>"
        '<input id="name" name="name" autocomplete="name" maxlength="80"></p>'
        "<p><button>" + escape(_("Join the room")) + "</button></p></form>"
    )
    return shell(t, lang, room_name, body, switch=language_switch(t, lang, "./"))


def code_page(t: Tr, lang: str, error: str = "") -> str:
    _ = t.gettext
    body = (
        "<h1>"
        + escape(_("Join a breakout room"))
        + "</h1>"
        + (message(error) if error else "")
        + '<form method="post" action="/join">'
        '<p><label for="code">' + escape(_("Room code")) + "</label><br>"
        '<input id="code" name="code" autocomplete="off" autocapitalize="characters" '
        'spellcheck="false" maxlength="20" required></p>'
        "<p><button>" + escape(_("Open the room")) + "</button></p></form>"
    )
    return shell(t, lang, _("Join a breakout room"), body, switch=language_switch(t, lang, "/join"))


def live_section(t: Tr, view: RoomView) -> str:
    """What every participant of the room sees alike, sent again as it changes."""
    _ = t.gettext
    # The page reloads when the room moves to another question (the script compares this).
    parts = [f'<span data-question="{escape(view.question or "")}" hidden></span>']
    if view.waiting:
        parts.append(
            "<p>"
            + escape(
                t.ngettext(
                    "{n} point waiting for approval",
                    "{n} points waiting for approval",
                    view.waiting,
                ).format(n=view.waiting)
            )
            + "</p>"
        )
    parts.append("<h2>" + escape(_("Points in this room")) + "</h2>")
    if view.vote_open:
        parts.append("<p>" + escape(_("Dot vote open: results are shown when it closes.")) + "</p>")
    elif view.revealed:
        parts.append("<p>" + escape(_("The vote is closed: its results are shown.")) + "</p>")
    if not view.points:
        parts.append("<p>" + escape(_("No points yet.")) + "</p>")
    else:
        parts.append('<ul class="points">')
        for n, point in enumerate(view.points, 1):
            parts.append(point_item(t, point, n, view))
        parts.append("</ul>")
    return "".join(parts)


def point_item(t: Tr, point: Point, n: int, view: RoomView) -> str:
    _ = t.gettext
    badge = (
        ' <span class="badge">(' + escape(_("typed by a participant")) + ")</span>"
        if point.self_typed
        else ""
    )
    votes = ""
    if point.votes is not None:
        votes = (
            ' <span class="badge">'
            + escape(t.ngettext("{n} dot", "{n} dots", point.votes).format(n=point.votes))
            + "</span>"
        )
    vote = ""
    if view.vote_open:
        vote = (
            '<form class="inline" method="post" action="vote">'
            f'<input type="hidden" name="id" value="{escape(point.id)}">'
            f'<button class="quiet">' + escape(_("Add a dot")) + ""
            '<span class="sr"> ' + escape(_("to point {n}").format(n=n)) + "</span></button></form>"
        )
    return (
        f'<li id="pt-{escape(point.id)}"><span class="kind">'
        f"{escape(kind_name(t, point.kind.value))}:</span> "
        f'<span dir="auto">{escape(point.text)}</span>{badge}{votes} {vote}</li>'
    )


def room_page(
    t: Tr,
    lang: str,
    view: RoomView,
    person: Participant,
    mine: list[Point],
    *,
    events: str,
    error: str = "",
    done: str = "",
) -> str:
    _ = t.gettext
    consent_words = {
        Consent.NAMED: _("under your name, {name}").format(name=person.name),
        Consent.ANONYMOUS: _("anonymously"),
        Consent.OFF_RECORD: _("off the record"),
    }[person.consent]
    parts = [f"<h1>{escape(view.room_name)}</h1>"]
    if error:
        parts.append(message(error))
    if done:
        parts.append(message(done, ok=True))
    parts.append("<h2>" + escape(_("The question")) + "</h2>")
    parts.append(
        f'<p dir="auto">{escape(view.question_text)}</p>'
        if view.question_text
        else "<p>" + escape(_("No question is open yet.")) + "</p>"
    )
    parts.append(
        "<p>" + escape(_("You take part {how}.").format(how=consent_words)) + "</p>"
        "<details><summary>"
        + escape(_("Change how your words may be used"))
        + "</summary>"
        + where_words_go(t)
        + '<form method="post" action="consent">'
        + consent_choices(t, person.consent)
        + '<p><label for="consent-name">'
        + escape(_("Your name (only if you chose named)"))
        + "</label><br>"
        + '<input id="consent-name" name="name" autocomplete="name" maxlength="80"></p>'
        + "<p><button>"
        + escape(_("Save my choice"))
        + "</button></p></form></details>"
    )
    parts.append(add_form(t))
    if view.vote_open:
        parts.append(
            "<p><strong>"
            + escape(_("Your dots: {used} of {dots} used.").format(used=view.used, dots=view.dots))
            + "</strong></p>"
        )
    parts.append(
        f'<section id="live" aria-live="polite" data-events="{escape(events)}">'
        + live_section(t, view)
        + "</section>"
    )
    parts.append(own_points(t, mine))
    if view.roles:
        parts.append(ranking(t, view, lang))
    return shell(t, lang, view.room_name, "".join(parts), switch=language_switch(t, lang, "./"))


def add_form(t: Tr) -> str:
    _ = t.gettext
    options = "".join(
        f'<option value="{k.value}">{escape(kind_name(t, k.value))}</option>' for k in KINDS
    )
    return (
        "<h2>" + escape(_("Add a point")) + "</h2>"
        '<form method="post" action="add">'
        '<p><label for="kind">' + escape(_("Kind")) + f"</label> "
        f'<select id="kind" name="kind">{options}</select></p>'
        f'<p><label for="text">' + escape(_("Your point")) + "</label>"
        '<textarea id="text" name="text" rows="3" maxlength="2000" required dir="auto"></textarea></p>'
        "<p><button>" + escape(_("Add")) + "</button></p></form>"
    )


def own_points(t: Tr, mine: list[Point]) -> str:
    _ = t.gettext
    if not mine:
        return ""
    parts = ["<h2>" + escape(_("Your points")) + '</h2><ul class="points">']
    for n, point in enumerate(mine, 1):
        if not point.editable:
            parts.append(f'<li><span dir="auto">{escape(point.text)}</span></li>')
            continue
        options = "".join(
            f'<option value="{k.value}"{" selected" if k is point.kind else ""}>'
            f"{escape(kind_name(t, k.value))}</option>"
            for k in KINDS
        )
        pid = escape(point.id)
        parts.append(
            '<li><form method="post" action="edit">'
            f'<input type="hidden" name="id" value="{pid}">'
            f'<label for="k-{n}">' + escape(_("Kind")) + f"</label> "
            f'<select id="k-{n}" name="kind">{options}</select>'
            f'<br><label for="t-{n}">' + escape(_("Your point {n}").format(n=n)) + f"</label>"
            f'<textarea id="t-{n}" name="text" rows="2" maxlength="2000" dir="auto">'
            f"{escape(point.text)}</textarea>"
            f'<button class="quiet">' + escape(_("Save")) + f"</button></form> "
            '<form class="inline" method="post" action="withdraw">'
            f'<input type="hidden" name="id" value="{pid}">'
            f'<button class="quiet">' + escape(_("Withdraw")) + ""
            '<span class="sr"> '
            + escape(_("your point {n}").format(n=n))
            + "</span></button></form></li>"
        )
    parts.append("</ul>")
    return "".join(parts)


def ranking(t: Tr, view: RoomView, lang: str) -> str:
    _ = t.gettext
    labels = {r.id: r.label.get_text(lang) for r in view.roles}
    parts = [
        "<h2>" + escape(_("Rank what hubs should do")) + "</h2>",
        "<p>" + escape(_("Most important first. Move an item with its buttons.")) + "</p><ol>",
    ]
    last = len(view.ballot) - 1
    for i, role in enumerate(view.ballot):
        label = escape(labels.get(role, role))
        buttons = []
        for step, word, off in (("-1", _("Up"), i == 0), ("1", _("Down"), i == last)):
            if off:
                continue
            buttons.append(
                '<form class="inline" method="post" action="rank">'
                f'<input type="hidden" name="role" value="{escape(role)}">'
                f'<input type="hidden" name="step" value="{step}">'
                f'<button class="quiet">{escape(word)}<span class="sr"> {label}</span></button></form>'
            )
        parts.append(f'<li><span dir="auto">{label}</span> {" ".join(buttons)}</li>')
    parts.append("</ol>")
    return "".join(parts)


def plain_page(t: Tr, lang: str, title: str, text: str) -> str:
    return shell(t, lang, title, f"<h1>{escape(title)}</h1>{message(text)}")


Words = Callable[[str], str]
