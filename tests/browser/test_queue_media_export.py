"""« Exporter la file » with a recording, in real Chromium (issue 16 §2): the tablet's queue module
writes the recording's bytes in base64 into the exported JSON, and ``survey import-queue`` stores
the answer with it on another computer (tests/services/test_queue_media.py checks the import)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from survey import create_app
from survey.cli import main

CAMPAIGN = "besoins-numeriques-habitants"
QUESTION = "autre"  # an open question of the campaign, answered by voice once the campaign allows it
VOICE = (Path(__file__).parents[1] / "web" / "media_samples" / "voix.webm").read_bytes()

EXPORT = """async ([bytes, item]) => {
    const queue = await import(new URL('/static/offline/queue.js', location.href).href);
    item.media = { [item.question]: new File([new Uint8Array(bytes)], 'enregistrement.webm', { type: 'audio/webm' }) };
    delete item.question;
    await queue.enqueue(item);
    return JSON.stringify(await queue.exportFile());
}"""


def test_an_exported_queue_carries_the_recording_to_another_computer(browser, server, tmp_path, outside, runner):
    context = outside.watch(browser.new_context(locale="fr-FR", service_workers="block"))
    page = context.new_page()
    page.goto(f"{server.url}/c/{CAMPAIGN}/")
    answer_id = str(uuid.uuid4())
    body = {
        "answer_id": answer_id,
        "started_at": "2026-03-01T10:00:00Z",
        "answers": {},
        "consents": {f"accord-voix-{QUESTION}": "oui"},
        "kept_media": {},
    }
    item = {"id": answer_id, "campaign": CAMPAIGN, "body": body, "state": "pending", "question": QUESTION}
    content = json.loads(page.evaluate(EXPORT, [list(VOICE), item]))
    context.close()
    [exported] = [a for a in content["answers"] if a["answer_id"] == answer_id]
    assert exported["media"][QUESTION]["type"] == "audio/webm"

    data = str(tmp_path / "autre-ordinateur")
    runner.invoke(main, ["demo", "--data", data])
    svc = create_app({"DATA_DIR": data, "SECRET_KEY": "t"}).extensions["survey"]
    campaign = svc.campaigns.get(CAMPAIGN)
    campaign.voice_answers = True
    svc.campaigns.save(campaign)
    path = tmp_path / "file.json"
    path.write_text(json.dumps({"answers": [exported]}), encoding="utf-8")
    result = runner.invoke(main, ["import-queue", str(path), "--data", data])
    assert result.exit_code == 0 and "1 importée" in result.output, result.output
    [entry] = svc.answers.get(CAMPAIGN, answer_id)["media"]
    assert svc.media.read(CAMPAIGN, entry["file"]) == VOICE
