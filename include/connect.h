/* connect.h - the QR block that the connect screen, notices, events and the
 * thank-you page share (a channel's expiry rules are content's: content.h). */
#ifndef CONNECT_H
#define CONNECT_H

#include <stdbool.h>
#include <stdint.h>
#include "app_priv.h"
#include "content.h"

/* A QR code of `payload` (side x side px, centred in w) with an optional
 * caption and the address as text under it. Returns the height used. */
int ui_qr_block(const App *a, DrawList *dl, int x, int y, int w, int side, const char *payload,
                const char *caption);

/* A notice's or event's QR: beside the detail card (right edge
 * card_right, top top_y) when the screen has room, else inline at cy in the
 * text column (x, col). Returns the height it took inline (0 beside). */
int ui_detail_qr(const App *a, DrawList *dl, int card_right, int top_y, int x, int col, int cy,
                 const char *payload, const char *caption);

#endif
