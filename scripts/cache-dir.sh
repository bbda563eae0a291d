#!/usr/bin/env bash
# Prints the test-data cache folder, found the one way DataCache.standard finds it:
# $PHOTO_KIOSK_CACHE, else $XDG_CACHE_HOME/photo-kiosk, else ~/.cache/photo-kiosk.
# Every script that reads or fills the cache asks this one.
if [ -n "${PHOTO_KIOSK_CACHE:-}" ]; then
    echo "$PHOTO_KIOSK_CACHE"
else
    echo "${XDG_CACHE_HOME:-$HOME/.cache}/photo-kiosk"
fi
