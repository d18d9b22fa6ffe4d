/* js_platform.c: the lists of natives of the web platform APIs (js_platform.h). */
#include "autoconfig.h"

#include "js_platform.h"

const duk_function_list_entry *const js_platform_natives[] = {
    js_crypto_natives, js_password_natives, js_form_natives, js_url_natives,
    js_fetch_natives,  js_intl_natives,     NULL};
