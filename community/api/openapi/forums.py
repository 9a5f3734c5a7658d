"""Forums, reports and moderation (community/api/forums.py, community/api/moderation.py)."""
from community.api.openapi.parts import (ID, TIMESTAMP, body_schema, json_response, operation, page_schema, path_id,
                                         query, record, ref, request_body, responses, rule_schema)


def schemas() -> dict:
    from community.forums import services as forums
    from community.forums.models import POST_STATUSES
    from community.moderation import services as moderation

    status = {"enum": list(POST_STATUSES), "description": "pending: waits for approval, visible to its author "
                                                           "and moderators only."}
    text, nullable_text = {"type": "string"}, {"type": ["string", "null"]}
    post = {"id": ID, "thread_id": ID, "body_html": {**text, "description": "Sanitised HTML of the Markdown."},
            "author": text, "created_at": TIMESTAMP, "status": status, "is_solution": {"type": "boolean"}}
    thread = {"id": ID, "forum_id": ID, "title": text, "author": nullable_text,
              "post_id": {**ID, "description": "The opening post."}, "body_html": text, "status": status,
              "reply_count": {"type": "integer", "minimum": 0}, "is_solved": {"type": "boolean"},
              "locked": {"type": "boolean"}, "pinned": {"type": "boolean"}, "created_at": TIMESTAMP,
              "last_activity_at": TIMESTAMP}
    action = record({"id": ID, "action": {"enum": list(moderation.LOGGED_ACTIONS)},
                     "item_type": text, "item_id": ID, "reason": text,
                     "moderator_id": {"type": ["integer", "null"]}, "created_at": TIMESTAMP})

    def number_aware_body(schema, required: list) -> dict:
        properties = {name: {"type": "integer", "minimum": rule.minimum, "maximum": rule.maximum}
                      if isinstance(rule, moderation.Number) else rule_schema(rule)
                      for name, rule in schema.fields.items()}
        return {"type": "object", "properties": properties, "additionalProperties": False, "required": required}

    action_body = number_aware_body(moderation.ACTION_SCHEMA, ["action", "item_type", "item_id"])
    report_body = number_aware_body(moderation.REPORT_SCHEMA, ["item_type", "item_id", "reason"])
    return {
        "Forum": record({"id": ID, "slug": text, "title": text, "description": text, "topic": nullable_text}),
        "ForumPage": page_schema("Forum"),
        "Thread": record(thread),
        "ThreadPage": page_schema("Thread"),
        "ThreadDetail": record({**thread, "replies": {"type": "array", "items": ref("Post")}}),
        "Post": record(post),
        "ThreadCreate": body_schema(forums.THREAD_SCHEMA, partial=False),
        "ReplyCreate": body_schema(forums.REPLY_SCHEMA, partial=False),
        "ReportCreate": report_body,
        "Report": record({"id": ID, "item_type": {"enum": list(moderation.ITEM_TYPES)}, "item_id": ID,
                          "reason": text, "count": {"type": "integer", "minimum": 1}, "is_open": {"type": "boolean"},
                          "created_at": TIMESTAMP}),
        "QueueEntry": record({"kind": {"enum": ["report", "pending", "appeal"]}, "item_type": text, "item_id": ID,
                              "text": text, "context": text, "url": text, "since": TIMESTAMP,
                              "report_count": {"type": "integer", "minimum": 0},
                              "reasons": {"type": "array", "items": text},
                              "appeal_id": {"type": ["integer", "null"]}}),
        "QueueEntryPage": page_schema("QueueEntry"),
        "ModerationActionCreate": action_body,
        "ModerationOutcome": record({"changed": {"type": "boolean", "description":
                                                 "false: another moderator had already done this (no log entry)."},
                                     "message": text, "action": {"oneOf": [{"type": "null"}, action]}}),
    }


def paths(paging: list) -> dict:
    from community.forums import services as forums

    created = {"description": "Created", "content": {"application/json": {"schema": ref("Thread")}},
               "headers": {"Location": {"description": "URL of the new thread", "schema": {"type": "string"}}}}
    rate_limited = {"429": json_response("Too many posts (per-user limit or slow mode); wait and retry.", ref("Error"))}
    return {
        "/forums": {"get": operation(
            "list_forums", "The topic forums and those admins added", "Forums",
            responses({"200": json_response("One page of forums", ref("ForumPage"))}, "401"), parameters=paging)},
        "/forums/{forum_id}/threads": {
            "parameters": [path_id("forum_id")],
            "get": operation(
                "list_threads", "Threads of a forum (pinned first)", "Forums",
                responses({"200": json_response("One page of threads", ref("ThreadPage"))}, "401", "404"),
                parameters=[query("sort", {"enum": list(forums.SORTS), "default": "latest"},
                                  "latest activity, newest, unanswered or solved threads."), *paging]),
            "post": operation(
                "create_thread", "Open a thread; posts of new accounts may wait for approval", "Forums",
                {**responses({"201": created}, "400", "401", "403", "404", "413", "422"), **rate_limited},
                requestBody=request_body("ThreadCreate")),
        },
        "/threads/{thread_id}": {"parameters": [path_id("thread_id")], "get": operation(
            "get_thread", "A thread with the replies you may read", "Forums",
            responses({"200": json_response("The thread", ref("ThreadDetail"))}, "401", "404"))},
        "/threads/{thread_id}/replies": {"parameters": [path_id("thread_id")], "post": operation(
            "create_reply", "Reply to a thread", "Forums",
            {**responses({"201": json_response("The new post", ref("Post"))}, "400", "401", "403", "404", "413", "422"),
             **rate_limited},
            requestBody=request_body("ReplyCreate"))},
        "/reports": {"post": operation(
            "create_report", "Report a post, a room message or a profile; reports of one item merge", "Moderation",
            responses({"201": json_response("The (merged) report", ref("Report"))}, "400", "401", "403", "404", "422"),
            requestBody=request_body("ReportCreate"))},
        "/moderation/queue": {"get": operation(
            "moderation_queue", "Reported, pending and appealed items you may decide, oldest first", "Moderation",
            responses({"200": json_response("One page of the queue", ref("QueueEntryPage"))}, "401", "403"),
            parameters=paging)},
        "/moderation/actions": {"post": operation(
            "moderation_action", "Approve, hide, unhide, delete or edit an item; lock, pin, move or slow a thread",
            "Moderation",
            responses({"201": json_response("Done and logged", ref("ModerationOutcome")),
                       "200": json_response("Nothing changed: already done", ref("ModerationOutcome"))},
                      "400", "401", "403", "404", "422"),
            requestBody=request_body("ModerationActionCreate"))},
    }
