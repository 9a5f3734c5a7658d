"""The attachments' part of the OpenAPI document: upload to a good example (multipart), download."""
from community.api.openapi.parts import ID, json_response, operation, path_id, record, ref, responses
from community.attachments import services, sniffing
from community.attachments.models import STATUSES

TAG = "Attachments"


def schemas() -> dict:
    return {
        "Attachment": record({
            "id": ID,
            "filename": {"type": "string", "maxLength": 200},
            "size": {"type": "integer", "minimum": 1},
            "content_type": {"type": "string", "enum": [kind.content_type for kind in sniffing.KINDS]},
            "licence": {"type": "string", "enum": [choice.slug for choice in services.LICENCES]},
            "stand": {"type": "string", "format": "date"},
            "status": {"type": "string", "enum": list(STATUSES),
                       "description": "pending until the example is published with the file by a reviewer"},
        }),
        "AttachmentUpload": {
            "type": "object",
            "required": ["file", "licence", "stand"],
            "properties": {
                "file": {"type": "string", "format": "binary", "description": (
                    "PDF, ODT, ODS, DOCX, XLSX, PNG or JPEG, at most 10 MB; the type is judged from the content, "
                    "not the name (anything else is 400).")},
                "licence": {"type": "string", "enum": [choice.slug for choice in services.LICENCES]},
                "stand": {"type": "string", "format": "date", "description": "The content is current as of; "
                                                                             "not in the future."},
            },
        },
    }


def paths(paging) -> dict:
    download = {"description": "The file, as a download (Content-Disposition: attachment)",
                "content": {kind.content_type: {"schema": {"type": "string", "format": "binary"}}
                            for kind in sniffing.KINDS}}
    return {
        "/examples/{example_id}/attachments": {"parameters": [path_id("example_id")], "post": operation(
            "add_example_attachment", "Attach a file with a licence and a Stand to a good example (its authors' "
            "organisation); it is reviewed with the example and sends a published example back to review", TAG,
            {**responses({"201": json_response("The attachment", ref("Attachment"))}, "401", "403", "404"),
             "400": json_response("A refused file type, licence or Stand (`fields` names each).", ref("Error")),
             "413": json_response("The file is larger than 10 MB (the message says the limit).", ref("Error"))},
            requestBody={"required": True, "content": {"multipart/form-data": {
                "schema": ref("AttachmentUpload")}}})},
        "/attachments/{attachment_id}": {"parameters": [path_id("attachment_id")], "get": operation(
            "get_attachment", "Download a file: published ones for whoever sees the example or the consultation, "
            "pending ones for the example's organisation and the reviewers; 404 otherwise", TAG,
            {**responses({"200": download}, "401", "404")})},
    }
