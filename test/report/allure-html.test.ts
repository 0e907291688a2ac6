// The allure page is made to open without a network: the analytics the generator embeds go, and
// anything else that would be fetched from the network stops the report.
import { expect } from 'chai';
import { offlineHtml } from '../../harness/report/allure-html.ts';

// The shape the generator writes at the end of its page.
const GENERATED = `<!DOCTYPE html><html><head><script>window.allureReportOptions = {}</script></head><body>
<div id="app"></div>
<script src="data:text/javascript;base64,Y29uc29sZS5sb2coMSk="></script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-XXXX"></script>
<script>
    window.dataLayer = window.dataLayer || [];
    function gtag(){dataLayer.push(arguments);}
    gtag('js', new Date());
</script>
<script>window.allure.reportData = {}</script>
</body></html>`;

describe('the offline allure page', () => {
  it('keeps the report and its inline scripts, without the analytics', () => {
    const html = offlineHtml(GENERATED);
    expect(html).to.not.match(/googletagmanager|gtag|dataLayer/);
    expect(html).to.include('<script src="data:text/javascript;base64,Y29uc29sZS5sb2coMSk="></script>');
    expect(html).to.include('<script>window.allure.reportData = {}</script>');
    expect(html).to.include('window.allureReportOptions');
  });

  it('refuses a page that would still load something from the network', () => {
    const withFont = GENERATED.replace('</head>', '<link rel="stylesheet" href="https://fonts.example.com/inter.css"></head>');
    expect(() => offlineHtml(withFont)).to.throw('would load https://fonts.example.com/inter.css (a <link>) from the network');
  });
});
