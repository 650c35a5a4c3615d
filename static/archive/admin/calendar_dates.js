"use strict";
// A document's date is a calendar date (31 December 2018 wherever it is read), not an instant.
// The admin's date widget compares the browser's time zone with the server's and adds "你比服务器
// 时间滞后 8 个小时" under every date field when they differ; that note does not apply here and
// only worries a librarian abroad.  Without the server's offset the widget neither warns nor
// shifts "今天"; it runs on window load, after this.
document.addEventListener("DOMContentLoaded", function () {
  delete document.body.dataset.adminUtcOffset;
});
