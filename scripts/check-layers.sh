#!/bin/sh
# Fails when a source file reaches into a layer it may not use.
# Usage: scripts/check-layers.sh SOURCE DEPFILE
# SOURCE is app/LAYER/.../name.c; DEPFILE is the compiler's -MD output, which
# lists every header the file pulled in (ours and the system's), so an
# include by any spelling (<SDL.h>, <SDL2/SDL.h>, via another header) shows.
# The layers, top to bottom, and what each may include (README.md, "Layout
# of the source"):
#   platform  SDL; kiosk ui ime staff net config data
#   cli       kiosk staff net config data    (kioskctl)
#   kiosk     ui ime staff net config data   (wiring of the kiosk program)
#   ui        ime staff config data          (app, keyboard, screens)
#   office    staff config data              (Lobby Office, no SDL; libcurl for
#                                            its alert webhook, office_alert.c)
#   ime       data                           (errmsg, text helpers)
#   staff     config data
#   net       config data                    (libcurl; the office's webhook too)
#   config    data                           (the settings file)
#   data      (nothing of ours)
# A private header (include/X_priv.h) only in its own module's layer.
set -u
src=$1 dep=$2
layer=$(echo "$src" | cut -d/ -f2)
case $layer in
platform) ok="platform kiosk ui ime staff net curl config data" ;;
cli)      ok="cli kiosk staff net curl config data" ;;
kiosk)    ok="kiosk ui ime staff net curl config data" ;;
ui)       ok="ui ime staff config data" ;;
office)   ok="office staff curl config data" ;;
ime)      ok="ime data" ;;
staff)    ok="staff config data" ;;
net)      ok="net curl config data" ;;
config)   ok="config data" ;;
data)     ok="data" ;;
*) echo "$src: not in a known layer folder of app/" >&2; exit 1 ;;
esac
here=$(dirname "$0")/..
bad=0
for h in $(sed -e 's/\\$//' -e 's/^[^:]*://' "$dep" | tr ' ' '\n' | grep '\.h$' | sort -u); do
    case $h in
    */SDL2/*|*/SDL.h)          l=platform ;;
    */curl/*)                  l=curl ;;   # net, and the office's webhook
    */zinnia.h|*/googlepinyin/*) l=ime ;;
    */microhttpd.h|*/libpq-fe.h|*/postgresql/*) l=office ;;
    include/*)
        name=$(basename "$h" .h)
        case $name in
        version|measure) continue ;;               # shared by every layer
        ostore)          l=office ;;               # ostore.c and its drivers
        *)
            f=$(find "$here/app" -name "${name%_priv}.c" | head -1)
            [ -n "$f" ] || f=$(find "$here/app" -name "screen_${name}.c" -o -name "${name%_ui}.c" | head -1)
            [ -n "$f" ] || { echo "$src: $h matches no source file in app/" >&2; bad=1; continue; }
            l=$(echo "${f#"$here"/}" | cut -d/ -f2)
            # A module's private part (X_priv.h: the App's fields, the
            # outbox's statements) belongs to its own layer alone.
            case $name in
            *_priv) [ "$l" = "$layer" ] || {
                echo "$src: $h is private to layer '$l'; see scripts/check-layers.sh" >&2
                bad=1; continue; } ;;
            esac ;;
        esac ;;
    *) continue ;;
    esac
    case " $ok " in
    *" $l "*) ;;
    *) echo "$src: layer '$layer' may not include $h (layer '$l'); see scripts/check-layers.sh" >&2; bad=1 ;;
    esac
done
exit $bad
