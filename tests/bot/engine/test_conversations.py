"""Acceptance conversations through the web chat API: order status in three languages,
evidence with a missing photo, FAQ, cancel mid-flow, restart mid-flow, redelivery."""

from __future__ import annotations

from sqlalchemy import func, select

from handoff.store.models import Case, Evidence, Message, OutboxMessage
from handoff.store.models.enums import Direction, EvidenceKind
from tests.bot.chat import Chat
from tests.bot.conftest import image_bytes


async def test_english_order_status_with_identity_check(chat: Chat) -> None:
    await chat.say("Where is my order US2026110500012?")
    assert "last 4 digits" in chat.text and "771234567890" not in chat.text
    await chat.say("0188")
    assert "FedEx" in chat.text and "771234567890" in chat.text and "arrive by" in chat.text


async def test_traditional_chinese_order_status_with_identity_check(chat: Chat) -> None:
    await chat.say("我的訂單到哪了")
    assert "訂單編號" in chat.text
    await chat.say("TW2026110500010")
    assert "末 4 碼" in chat.text
    await chat.say("4321")
    assert "7-11 交貨便" in chat.text and "F12345678901" in chat.text and "簽收" in chat.text


async def test_unknown_order_is_reasked_once_then_a_human_is_offered(chat: Chat) -> None:
    await chat.say("查询订单")
    await chat.say("2026999999999")
    assert "没有找到订单号 2026999999999" in chat.text
    await chat.say("2026888888888")
    assert "仍然没有找到" in chat.text
    assert chat.buttons["转人工客服"] == "/handoff:order_not_found"


async def test_shipping_damage_evidence_missing_photo_then_complete(chat: Chat) -> None:
    await chat.say("收到的电饭煲外壳被压坏了，运输破损")
    await chat.say("2026110500013")
    await chat.say("8888")
    assert "快递面单照片" in chat.text and "外包装箱照片" in chat.text
    await chat.send_photo(image_bytes("PNG", color="red"))
    await chat.send_photo(image_bytes("JPEG", color="blue"), filename="label.jpg",
                          content_type="image/jpeg")
    assert "请放心" in chat.text  # reassure first
    assert "还需要：外包装箱照片" in chat.text and "无法开始" in chat.text
    assert chat.conversation["mode"] == "bot"
    await chat.say("箱子我找一下")  # words, no photo: reassured, never told a photo arrived
    assert "照片已收到" not in chat.text and "请放心" in chat.text and "外包装箱照片" in chat.text
    await chat.send_photo(image_bytes("PNG", color="green"))
    assert "三张照片都已收到" in chat.text
    assert chat.conversation["mode"] == "human" and chat.conversation["case_number"]
    with chat.runtime.db.session() as session:
        kinds = {e.kind for e in session.scalars(select(Evidence))}
        attached = {e.case_id for e in session.scalars(select(Evidence))}
    assert kinds == {EvidenceKind.PRODUCT, EvidenceKind.SHIPPING_LABEL, EvidenceKind.OUTER_BOX}
    assert None not in attached  # the desk attached the photos to the case


async def test_faq_answer_offers_a_human_when_it_does_not_help(chat: Chat) -> None:
    await chat.say("怎么开发票")
    assert "电子发票" in chat.text
    await chat.press("没有解决，转人工")
    assert chat.conversation["mode"] == "human"


async def test_faq_inside_a_flow_answers_and_resumes_the_flow(chat: Chat) -> None:
    await chat.say("I want to return my order")
    await chat.say("How do I get an invoice?")
    assert "e-invoice" in chat.text and "please send the order number" in chat.text
    await chat.say("US2026110500011")
    assert "last 4 digits" in chat.text


async def test_cancel_mid_flow_leaves_the_flow(chat: Chat) -> None:
    await chat.say("我要退货")
    await chat.say("2026110500001")
    await chat.say("算了")
    assert "已为您取消" in chat.text
    await chat.say("5678")  # no longer an answer to anything
    assert "RMA" not in chat.text


async def test_restart_mid_flow_continues_where_it_stopped(chat: Chat) -> None:
    await chat.say("我要退货")
    await chat.say("2026110500001")
    await chat.restart()
    await chat.say("5678")
    assert "RMA" in chat.text and "7 天无理由" in chat.text


async def test_repeated_message_id_gets_the_same_replies_and_no_second_answer(chat: Chat) -> None:
    first = await chat.say("我的订单到哪了", message_id="web-42")
    again = await chat.say("我的订单到哪了", message_id="web-42")
    assert again == first
    with chat.runtime.db.session() as session:
        inbound = session.scalar(select(func.count()).select_from(Message)
                                 .where(Message.direction == Direction.INBOUND))
        outbox = session.scalar(select(func.count()).select_from(OutboxMessage))
    assert inbound == 1 and outbox == len(first)


async def test_language_follows_the_customer_and_sticks_for_short_replies(chat: Chat) -> None:
    await chat.say("Where is my order?")
    assert "order number" in chat.text
    await chat.say("2026110500008")
    assert "last 4 digits" in chat.text
    await chat.say("好的")
    assert "last 4 digits" in chat.text or "couldn't" in chat.text


async def test_two_fallbacks_in_a_row_hand_off(chat: Chat) -> None:
    await chat.say("asdfgh qwerty")
    assert chat.conversation["mode"] == "bot"
    await chat.say("zxcvb lkjhg")
    assert chat.conversation["mode"] == "human"


async def test_waiting_for_the_customer_to_find_the_order_number_is_not_a_fallback(
        chat: Chat) -> None:
    await chat.say("查询订单")
    await chat.say("稍等，我找一下订单号")
    assert "不着急" in chat.text
    await chat.say("好的 等一下")  # a second holding turn: still no handoff, no re-ask
    assert "不着急" in chat.text and chat.conversation["mode"] == "bot"
    await chat.say("2026110500001")  # the flow waited for exactly this
    assert "后 4 位" in chat.text or "后4位" in chat.text


async def test_holding_turns_in_english_keep_the_flow(chat: Chat) -> None:
    await chat.say("Where is my order?")
    await chat.say("hang on, let me find the order number")
    assert "take your time" in chat.text
    await chat.say("US2026110500012")
    assert "last 4 digits" in chat.text


async def test_a_holding_turn_does_not_reset_the_fallback_count(chat: Chat) -> None:
    await chat.say("asdfgh qwerty")
    await chat.say("one sec")
    assert chat.conversation["mode"] == "bot"
    await chat.say("zxcvb lkjhg")
    assert chat.conversation["mode"] == "human"


async def test_sensitive_word_escalates_at_once_to_l3(chat: Chat) -> None:
    await chat.say("再不退款我就找律师起诉你们")
    assert chat.conversation["mode"] == "human"
    assert chat.conversation["queue"] == "L3" and chat.conversation["priority"] == "P1"


async def test_a_veiled_threat_escalates_and_the_summary_quotes_its_span(chat: Chat) -> None:
    await chat.say("东西坏了三天没人理，截图我都留着，到时候别怪我")
    assert chat.conversation["queue"] == "L3" and chat.conversation["priority"] == "P1"
    with chat.runtime.db.session() as session:
        summary = session.scalars(select(Case.summary)).one()
    hit = next(h for h in summary["sensitive"] if h["category"] == "legal")
    assert hit["span"] in ("截图我都留着", "到时候别怪我") and 0 < hit["score"] <= 1


async def test_agent_replies_are_polled_after_the_cursor(chat: Chat) -> None:
    await chat.say("你好")
    cursor = chat.body["cursor"]
    polled = await chat.poll(after=0)
    assert [m["text"] for m in polled["messages"]] == [r["text"] for r in chat.replies]
    assert (await chat.poll(after=cursor))["messages"] == []
