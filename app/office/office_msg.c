/* office_msg.c - the Chinese of the office's English refusals, added to every error answer as {"zh", "en"} texts (office_msg.h). */
#include "office_msg.h"

#include <stdio.h>
#include <string.h>

/* An English wording (% stands for any text it quotes, matched up to the
 * next literal part) and its Chinese (%1..%9: those texts, in order). */
typedef struct {
    const char *en, *zh;
} OfficeMsg;

static const OfficeMsg office_msgs[] = {
    /* the kiosk's content validation (app/data/content.c), beside a field */
    {"missing (expected {\"zh\": \"...\", \"en\": \"...\"})", "必填：请填写中文（英文可选）。"},
    {"missing (Chinese text is required)", "必填：请填写中文。"},
    {"empty (Chinese text is required)", "中文不能为空。"},
    {"missing (the picture's size in pixels)", "缺少图片的尺寸（像素）。"},
    {"missing (use [] for none)", "缺少这一项（没有就填 []）。"},
    {"missing", "必填。"},
    {"empty", "不能为空。"},
    {"too long (% characters, at most %)", "太长了：%1 个字，最多 %2 个字。"},
    {"contains a NUL character", "含有不允许的空字符。"},
    {"expected a string, got %", "应为文字。"},
    {"expected true or false, got %", "应为“是”或“否”。"},
    {"expected an object {\"zh\": \"...\", \"en\": \"...\"}, got %", "应为中文和英文两段文字。"},
    {"expected an object, got %", "格式不对。"},
    {"expected an array, got %", "应为一个列表。"},
    {"expected a whole number of pixels, got %", "应为整数像素。"},
    {"% pixels is out of range (1 to %)", "%1 像素超出范围（1 到 %2）。"},
    {"% x % is % pixels, more than the limit of %", "图片 %1 x %2 共 %3 像素，超过上限 %4。"},
    {"\"%\" has characters other than A-Z, a-z, 0-9, _ and -",
     "“%1”含有 A-Z、a-z、0-9、_ 和 - 以外的字符。"},
    {"invalid date-time \"%\": %", "“%1”不是有效的日期和时间。"},
    {"\"%\" contains spaces or control characters", "“%1”含有空格或控制字符。"},
    {"\"%\": a tel: number may only have digits and + - . ( )",
     "“%1”：电话号码只能有数字和 + - . ( )。"},
    {"\"%\": too few digits for a phone number", "“%1”：电话号码位数太少。"},
    {"\"%\" must start with https:// (or tel: for a hotline)",
     "“%1”应以 https:// 开头（热线电话用 tel:）。"},
    {"\"%\" must start with https://", "“%1”应以 https:// 开头。"},
    {"expected 64 lower-case hex digits %", "应为 64 位小写十六进制数字（图片的 SHA-256）。"},
    {"only board items have before/after pictures", "只有“你说我办”的条目才有办理前后的图片。"},
    {"unknown role \"%\" (expected before or after)", "未知的图片用途“%1”（应为办理前或办理后）。"},
    {"too many pictures (%, at most %)", "图片太多：%1 张，最多 %2 张。"},
    {"expected an object {\"url\", \"sha256\", %", "图片的格式不对。"},
    {"too many items (%, at most %)", "条目太多：%1 条，最多 %2 条。"},
    {"unknown category \"%\" (expected notice, accounts, repairs, safety or services)",
     "未知的类别“%1”（应为通知、账目、维修、安全或服务）。"},
    {"must be after publish_at", "下架时间必须晚于发布时间。"},
    {"must not be before start", "结束时间不能早于开始时间。"},
    {"unknown kind \"%\" (expected wechat_group, official_account, hotline, form, website or"
     " other)", "未知的渠道类型“%1”（应为微信群、公众号、热线、表单、网站或其他）。"},
    {"unknown status \"%\" (expected received, in_progress, done or declined)",
     "未知的状态“%1”（应为已收到、处理中、已办结或不予处理）。"},
    {"duplicate id \"%\" (also %)", "编号“%1”重复了。"},
    {"\"%\" is not a receipt code (8 symbols like 7KQ4-M2XD)",
     "“%1”不是回执码（8 个字符，如 7KQ4-M2XD）。"},
    {"duplicate receipt (also %)", "回执码重复了。"},
    /* notices, events, channels and the board (office_publish.c, office_posting.c,
     * office_image.c) */
    {"expected a list of 1 to % suggestion ids", "请选择 1 到 %1 条建议。"},
    {"the database is not available", "数据库暂时不可用，请稍后再试。"},
    {"item %: no such suggestion in this community", "第 %1 项：本社区没有这条建议。"},
    {"suggestion % is not closed (it is %)", "建议 %1 还没有办结或不予处理，不能用来发布。"},
    {"expected draft, pending, published or withdrawn", "状态应为草稿、待审批、已发布或已撤下。"},
    {"a new item cannot be withdrawn", "新建的内容不能直接撤下。"},
    {"only notices are postings", "只有通知才能作为公示。"},
    {"expected fees, fund or income", "公示类型应为收费、维修资金或公共收益。"},
    {"cannot be changed", "编号不能修改。"},
    {"set when the item is made", "来源建议只能在新建时选择。"},
    {"only board items", "只有“你说我办”的条目才有来源建议。"},
    {"required: the version of the item you changed (a whole number)",
     "缺少版本号：请刷新页面后再改。"},
    {"another item of this list has this id", "这一类里已经有相同编号的内容。"},
    {"not JSON", "格式不对。"},
    {"% postings stay up at least % days (this one: %)",
     "这类公示至少要显示%2天，现在只有%3天：请把「停止显示」往后改。"},
    {"the posting rules cannot be read now; try again", "暂时读不到公示规则，请稍后再试。"},
    {"unknown kind (fees, fund, income)", "未知的公示类型（应为收费、维修资金或公共收益）。"},
    {"expected a whole number from 1 to 60", "请填 1 到 60 的整数。"},
    {"expected a whole number from 1 to 366", "请填 1 到 366 的整数。"},
    {"no such picture in this community: upload it first", "本社区没有这张图片，请先上传。"},
    {"give one notice or one event", "请给出一条通知或一项活动。"},
    {"landscape or portrait", "应为横屏或竖屏。"},
    {"zh or en", "应为中文或英文。"},
    /* statistics (office_stats.c) */
    {"expected a month YYYY-MM", "请填月份，如 2026-12。"},
    {"expected from 1 to % months from \"from\"", "起止月份之间应为 1 到 %1 个月。"},
    /* the inbox (office_inbox.c) */
    {"expected acknowledged, in_progress, done or declined",
     "状态应为已确认、处理中、已办结或不予处理。"},
    {"expected the suggestion's version (a whole number)", "缺少版本号：请刷新页面后再改。"},
    {"expected 1 to % characters", "请填 1 到 %1 个字。"},
    {"only with reply_zh", "有英文回复时，也要有中文回复。"},
    {"expected a user name or null", "请选择一位同事，或不指派。"},
    {"no active user of this community by that name", "本社区没有这位在职的同事。"},
    {"a suggestion that is % cannot become %", "这条建议现在的状态不能改成所选的状态，请刷新后再操作。"},
    {"the suggestion was changed meanwhile; reload it", "这条建议刚被别人修改过，请刷新后再操作。"},
    {"there is no reply waiting for approval", "没有待审批的回复。"},
    {"this suggestion could not be opened, so it has no receipt to reply under",
     "这条建议无法解密，没有回执码，不能回复。"},
    /* kiosks (office_fleet_api.c) */
    {"1 to 100 bytes, no control characters or /", "请填 1 到 100 个字节，不能有控制字符或 /。"},
    {"this community has a kiosk of that name already", "本社区已经有同名的设备。"},
    {"this kiosk is revoked already", "这台设备已经停用。"},
    /* accounts and communities (office_staff.c, office_users.c) */
    {"required: 1 to % characters, on one line", "必填：1 到 %1 个字，不能换行。"},
    {"expected 1 to % characters, on one line", "请填 1 到 %1 个字，不能换行。"},
    {"use 1 to 63 of a-z, 0-9 and -", "请用 1 到 63 个小写字母、数字或 -。"},
    {"a community with that short name exists", "已经有社区在用这个简称。"},
    {"expected the version the form read (1 or more)", "缺少版本号：请刷新页面后再改。"},
    {"expected admin, manager or clerk", "角色应为管理员、经理或文员。"},
    {"choose 1 to % communities", "请选择 1 到 %1 个社区。"},
    {"no such community: %", "没有这个社区：%1。"},
    {"at least 10 characters", "至少 10 个字符。"},
    {"expected 1 to 32 of letters, digits and . _ -", "请用 1 到 32 个字母、数字、. _ 或 -。"},
    {"no such community", "没有这个社区。"},
    /* signing in, lists, the body of any request (office.c, office_staff.c) */
    {"wrong user name or password", "用户名或密码不对。"},
    {"too many failed sign-ins; try again in % seconds", "尝试次数过多，请 %1 秒后再试。"},
    {"expected 1 to 200", "请填 1 到 200。"},
    {"1 to 200", "请填 1 到 200。"},
    {"1 to 200; before: an audit id", "条数请填 1 到 200；before 应为审计记录的编号。"},
    {"line %, column %: %", "提交的内容格式不对（第 %1 行第 %2 列），请刷新页面再试。"},
    {"the body is not valid UTF-8%", "提交的文字编码不对，请刷新页面再试。"},
    {"expected a list of 1 to % community short names", "请选择 1 到 %1 个社区。"},
    {"expected a list of 1 to %", "请选择 1 到 %1 项。"},
    {"a user of that name exists", "已经有同名的用户。"},
    {"the user was changed by someone else meanwhile; %", "这个账号刚被别人修改过，请重新载入后再改。"},
    {"the item was changed by someone else meanwhile; %", "这条内容刚被别人修改过，请刷新后再改。"},
    {"this is the last active administrator: %", "这是最后一位在职的管理员，不能停用或降级。"},
    {"you cannot disable yourself", "不能停用自己的账号。"},
    {"you cannot take away your own administrator role", "不能取消自己的管理员角色。"},
    {"an item that is % cannot be %", "这条内容现在的状态不能做这项操作，请刷新后再看。"},
    {"expected 1 to % characters%", "请填 1 到 %1 个字。"},
    {"expected a string of 1 to % bytes", "请填 1 到 %1 个字节的文字。"},
    {"expected a string", "应为文字。"},
    {"expected YYYY-MM-DD", "请按 年-月-日 填写日期，如 2026-12-05。"},
    {"expected YYYY-MM", "请填月份，如 2026-12。"},
    {"expected zh or en", "应为中文或英文。"},
    {"the body must be a JSON object", "提交的内容格式不对，请刷新页面再试。"},
    {"too long", "太长了。"},
    {"invalid", "内容不对。"},
};

/* Chinese names of the fields, for a message shown apart from its field. */
static const OfficeMsg office_fields[] = {
    {"reply_zh", "中文回复"}, {"reply_en", "英文回复"}, {"note", "内部备注"}, {"state", "状态"},
    {"version", "版本"}, {"user", "负责人"}, {"name", "名称"}, {"password", "密码"},
    {"role", "角色"}, {"communities", "社区"}, {"slug", "简称"}, {"name_zh", "中文名称"},
    {"name_en", "英文名称"}, {"title", "标题"}, {"body", "正文"}, {"publish_at", "发布时间"},
    {"expire_at", "下架时间"}, {"start", "开始时间"}, {"end", "结束时间"},
    {"location", "地点"}, {"url", "链接"}, {"label", "名称"}, {"category", "类别"},
    {"kind", "类型"}, {"posting", "公示类型"}, {"from_suggestions", "来源建议"},
    {"status", "状态"}, {"id", "编号"}, {"images", "图片"}, {"from", "起始月份"},
    {"to", "截止月份"}, {"month", "月份"}, {"topic", "类别"}, {"text", "内容"},
    {"date", "日期"}, {"receipt", "回执码"}, {"lang", "语言"}, {"contact", "联系方式"},
    {"score", "评分"}, {"said", "居民说"}, {"done", "我们做了"}, {"description", "说明"},
    {"signup_url", "报名链接"}, {"link", "链接"}, {"item", "内容"}, {"limit", "条数"},
};

#define OFFICE_MSG_CAPS 9

/* Match `s` against pattern `p` (% any text); the captures into cap. */
static bool office_msg_match(const char *p, const char *s, const char *cap[OFFICE_MSG_CAPS],
                             size_t caplen[OFFICE_MSG_CAPS], int *ncap)
{
    while (*p) {
        if (*p != '%') {
            if (*p != *s)
                return false;
            p++, s++;
            continue;
        }
        p++;
        size_t lit = strcspn(p, "%");
        int k = (*ncap)++;
        if (k >= OFFICE_MSG_CAPS)
            return false;
        cap[k] = s;
        if (lit == 0) {              /* % at the end: the rest */
            caplen[k] = strlen(s);
            s += caplen[k];
            continue;
        }
        /* the shortest text followed by the literal that lets the rest match */
        for (const char *t = s; (t = strstr(t, (char[]){p[0], 0})); t++) {
            if (strncmp(t, p, lit) != 0)
                continue;
            int saved = *ncap;
            caplen[k] = (size_t)(t - s);
            if (office_msg_match(p + lit, t + lit, cap, caplen, ncap))
                return true;
            *ncap = saved;
        }
        return false;
    }
    return *s == '\0';
}

static bool office_msg_find(const char *en, char *out, size_t n)
{
    for (size_t i = 0; i < sizeof office_msgs / sizeof *office_msgs; i++) {
        const char *cap[OFFICE_MSG_CAPS];
        size_t caplen[OFFICE_MSG_CAPS];
        int ncap = 0;
        if (!office_msg_match(office_msgs[i].en, en, cap, caplen, &ncap))
            continue;
        size_t o = 0;
        for (const char *z = office_msgs[i].zh; *z && o + 1 < n; z++) {
            if (z[0] == '%' && z[1] >= '1' && z[1] <= '9' && z[1] - '1' < ncap) {
                int k = z[1] - '1';
                size_t len = caplen[k] < n - 1 - o ? caplen[k] : n - 1 - o;
                memcpy(out + o, cap[k], len);
                o += len;
                z++;
            } else {
                out[o++] = *z;
            }
        }
        out[o] = '\0';
        return true;
    }
    return false;
}

/* The field name a message starts with ("title.zh: ..."), its length, or 0. */
static size_t office_msg_field(const char *en)
{
    size_t k = strspn(en, "abcdefghijklmnopqrstuvwxyz0123456789_.[]");
    return k > 0 && en[k] == ':' && en[k + 1] == ' ' ? k : 0;
}

static const char *office_msg_label(const char *name, size_t len)
{
    size_t base = strcspn(name, ".[");
    if (base > len)
        base = len;
    for (size_t i = 0; i < sizeof office_fields / sizeof *office_fields; i++)
        if (strlen(office_fields[i].en) == base && strncmp(office_fields[i].en, name, base) == 0)
            return office_fields[i].zh;
    return NULL;
}

bool office_msg_zh(const char *en, char *out, size_t n)
{
    out[0] = '\0';
    if (!en || n < 2)
        return false;
    if (office_msg_find(en, out, n))
        return true;
    size_t k = office_msg_field(en);
    if (!k)
        return false;
    char rest[400];
    if (!office_msg_find(en + k + 2, rest, sizeof rest))
        return false;
    const char *label = office_msg_label(en, k);
    if (label)
        snprintf(out, n, "%s：%s", label, rest);
    else
        snprintf(out, n, "%.*s：%s", (int)k, en, rest);
    return true;
}

static json_t *office_msg_text(const char *en)
{
    char zh[600];
    json_t *t = json_pack("{s:s}", "en", en);
    if (t && office_msg_zh(en, zh, sizeof zh))
        json_object_set_new(t, "zh", json_string(zh));
    return t;
}

void office_msg_annotate(json_t *answer)
{
    json_t *err = json_object_get(answer, "error");
    const char *msg = json_string_value(json_object_get(err, "message"));
    if (!json_is_object(err) || !msg)
        return;
    json_object_set_new(err, "text", office_msg_text(msg));
    json_t *fields = json_object_get(err, "fields");
    const char *code = json_string_value(json_object_get(err, "code"));
    size_t k = office_msg_field(msg);
    if (!fields && k && code && strcmp(code, "invalid_field") == 0) {
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(k < 63 ? k : 63), msg);
        fields = json_pack("{s:s}", name, msg + k + 2);
        json_object_set_new(err, "fields", fields);
    }
    if (!json_is_object(fields))
        return;
    json_t *texts = json_object();
    const char *name;
    json_t *v;
    json_object_foreach(fields, name, v)
        if (json_is_string(v))
            json_object_set_new(texts, name, office_msg_text(json_string_value(v)));
    json_object_set_new(err, "fields_text", texts);
}
