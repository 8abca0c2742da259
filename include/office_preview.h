/* office_preview.h - what residents will see: a notice or event drawn by
 * the kiosk's own renderer before it is published. The office runs the
 * kiosk program that sits next to it (build/kiosk beside build/office; an
 * install's BINDIR) headless (--screenshot) on a scratch copy of the
 * community's published document with the item in it, and answers the
 * PNG. Nothing of SDL is linked into the office. */
#ifndef OFFICE_PREVIEW_H
#define OFFICE_PREVIEW_H

#include "office.h"

/* GET .../communities/{slug}/preview?notice=ID|event=ID
 *     &orientation=landscape|portrait&lang=zh|en -> image/png
 * Both previews count against [staff] previews_per_hour per user (429). */
void office_preview(OfficeReq *rq, OfficeResp *rs);
/* POST .../communities/{slug}/preview?orientation=...&lang=... with
 * {"notice": FORM} or {"event": FORM}: the form as it is now, read and
 * checked as saving it would (422 with fields), drawn without storing
 * anything -> image/png. */
void office_preview_form(OfficeReq *rq, OfficeResp *rs);

#endif
