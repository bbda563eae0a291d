/// The review pages' Mustache templates. `{{name}}` is HTML-escaped; the only unescaped
/// value (`{{{style}}}`) is the style sheet constant below. Swift constants rather than
/// resource files: one binary to deploy.
enum ReviewTemplates {
    static let style = """
        body { font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem; color: #1b1b1b; background: #fafafa; }
        header { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 2px solid #2b5797; margin-bottom: 1rem; }
        h1 { font-size: 1.5rem; margin: 0.5rem 0; }
        .sessions { list-style: none; padding: 0; }
        .session { display: flex; gap: 1.25rem; background: #fff; border: 1px solid #ccc; border-radius: 6px; padding: 1rem; margin-bottom: 1rem; }
        .session img { width: 240px; height: 320px; border: 1px solid #999; flex: none; }
        .facts { flex: 1; }
        .facts h2 { font-size: 1.2rem; margin: 0 0 0.5rem; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0 0 0.75rem; }
        dt { font-weight: bold; }
        dd { margin: 0; }
        .verdict { font-weight: bold; padding: 0 0.4rem; border-radius: 3px; }
        .pass, .match { background: #d7f0d9; color: #1d5c23; }
        .warn, .could-not-compare { background: #fff0c2; color: #6b4e00; }
        .fail, .no-match { background: #f9d3d0; color: #8a1c12; }
        .clauses { margin: 0.25rem 0 0.75rem; padding-left: 1.25rem; }
        .decide { display: flex; gap: 1rem; flex-wrap: wrap; align-items: end; }
        .decide form { display: flex; gap: 0.5rem; align-items: end; }
        button { font-size: 1rem; padding: 0.4rem 1rem; border-radius: 4px; border: 1px solid #555; cursor: pointer; }
        .accept button { background: #1d6b2a; color: #fff; }
        .reject button { background: #a3241a; color: #fff; }
        label { display: flex; flex-direction: column; font-size: 0.9rem; }
        input[type=text] { font-size: 1rem; padding: 0.3rem; min-width: 16rem; }
        :focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
        .error { background: #f9d3d0; border: 1px solid #8a1c12; padding: 1rem; }
        """

    static let list = """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>照片审核 Photo review</title>
        <style>{{{style}}}</style>
        </head>
        <body>
        <header>
        <h1>照片审核 <span lang="en">Photo review</span></h1>
        <p>审核员 <span lang="en">Reviewer</span>: <strong>{{reviewer}}</strong></p>
        </header>
        <main>
        <h2 id="awaiting">待审核 <span lang="en">Awaiting review</span>: {{count}}</h2>
        {{^sessions}}<p id="nothing-awaiting">没有待审核的照片。<span lang="en">Nothing awaits review.</span></p>{{/sessions}}
        <ol class="sessions" aria-labelledby="awaiting">
        {{#sessions}}
        <li class="session" id="session-{{id}}" data-student="{{studentNumber}}">
        <img src="{{photoPath}}" width="240" height="320" alt="学生 {{studentNumber}} 的照片 / Photo of student {{studentNumber}}">
        <div class="facts">
        <h2>{{maskedName}} · {{studentNumber}}</h2>
        <dl>
        <dt>学校 <span lang="en">School</span></dt><dd>{{school}}</dd>
        <dt>批次 <span lang="en">Batch</span></dt><dd>{{batch}}</dd>
        <dt>拍摄 <span lang="en">Taken</span></dt><dd><time datetime="{{takenISO}}">{{taken}}</time></dd>
        <dt>工作站 <span lang="en">Station</span></dt><dd>{{station}}</dd>
        <dt>检查报告 <span lang="en">Check report</span></dt><dd><span class="verdict {{reportVerdict}}">{{reportVerdict}}</span>{{#reportNote}} {{reportNote}}{{/reportNote}}</dd>
        <dt>人脸比对 <span lang="en">Identity check</span></dt><dd class="identity"><span class="verdict {{identityVerdict}}">{{identityVerdict}}</span>{{#identityFigures}} {{identityFigures}}{{/identityFigures}}</dd>
        </dl>
        {{#hasClauses}}
        <ul class="clauses" aria-label="未通过或提醒的条款 Failing or warning clauses">
        {{#clauses}}<li><span class="verdict {{verdict}}">{{verdict}}</span> {{clause}}{{#measured}} ({{measured}}){{/measured}}{{#hint}} — {{hint}}{{/hint}}</li>
        {{/clauses}}
        </ul>
        {{/hasClauses}}
        <div class="decide">
        <form class="accept" method="post" action="{{acceptPath}}">
        <input type="hidden" name="csrf" value="{{token}}">
        <button type="submit">通过 <span lang="en">Accept</span></button>
        </form>
        <form class="reject" method="post" action="{{rejectPath}}">
        <input type="hidden" name="csrf" value="{{token}}">
        <label for="reason-{{id}}">驳回原因(学生可见) <span lang="en">Reason, shown to the student</span>
        <input type="text" id="reason-{{id}}" name="reason" required maxlength="200"></label>
        <button type="submit">驳回 <span lang="en">Reject</span></button>
        </form>
        </div>
        </div>
        </li>
        {{/sessions}}
        </ol>
        <h2 id="export">导出 <span lang="en">School export</span></h2>
        <p>每批已通过的照片(学号.jpg)与清单 manifest.csv。<span lang="en">Accepted photos of a batch (student number.jpg) with manifest.csv.</span></p>
        <ul aria-labelledby="export">
        {{#batches}}<li><a href="{{exportPath}}" download>{{school}} · {{batch}} (ZIP)</a></li>
        {{/batches}}
        </ul>
        </main>
        </body>
        </html>
        """

    static let refusal = """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head><meta charset="utf-8"><title>{{status}} · 照片审核 Photo review</title><style>{{{style}}}</style></head>
        <body>
        <main>
        <h1>{{status}}</h1>
        <p class="error" role="alert">{{message}}</p>
        <p><a href="/review">返回审核列表 <span lang="en">Back to the review list</span></a></p>
        </main>
        </body>
        </html>
        """
}
