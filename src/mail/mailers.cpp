// The two mailers: SMTP through libcurl, and the log for installs without SMTP.
#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "core/ids.h"
#include "mail/format.h"
#include "mail/mail.h"

namespace trivium::mail {
namespace {

// Used when no SMTP server is configured, so that a first start on a laptop
// still shows the verification and reset links (in the server's log).
class LogMailer final : public Mailer {
 public:
  Result<void> send(const Message& m) override {
    TRV_TRY(validate(m));
    spdlog::info("mail not sent (no SMTP server configured) to={} subject=\"{}\"\n{}", m.to, m.subject, m.text);
    return ok();
  }
};

struct Upload {
  const std::string* data;
  size_t pos = 0;
};

size_t read_upload(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* up = static_cast<Upload*>(userdata);
  size_t room = size * nitems;
  size_t n = std::min(room, up->data->size() - up->pos);
  std::memcpy(buffer, up->data->data() + up->pos, n);
  up->pos += n;
  return n;
}

struct CurlEasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

class SmtpMailer final : public Mailer {
 public:
  SmtpMailer(SmtpConfig config, detail::Mailbox from) : config_(std::move(config)), from_(std::move(from)) {}

  Result<void> send(const Message& m) override {
    std::string domain = from_.address.substr(from_.address.find('@') + 1);
    std::string message_id = "<" + random_token(18) + "@" + domain + ">";
    TRV_ASSIGN(std::string data, detail::format_message(m, from_, now_ms(), message_id));
    std::unique_ptr<CURL, CurlEasyDeleter> curl(curl_easy_init());
    if (!curl) return fail(ErrorKind::Unavailable, "smtp: cannot initialise libcurl");
    std::string mail_from = "<" + from_.address + ">";
    std::string rcpt = "<" + m.to + ">";
    std::unique_ptr<curl_slist, SlistDeleter> rcpts(curl_slist_append(nullptr, rcpt.c_str()));
    Upload upload{&data, 0};
    char errbuf[CURL_ERROR_SIZE] = {0};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, config_.url.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts.get());
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    if (!config_.username.empty()) {
      curl_easy_setopt(c, CURLOPT_USERNAME, config_.username.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, config_.password.c_str());
    }
    if (config_.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
      std::string why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
      return fail(ErrorKind::Unavailable, "smtp: " + why);
    }
    return ok();
  }

 private:
  static int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }

  SmtpConfig config_;
  detail::Mailbox from_;
};

}  // namespace

std::unique_ptr<Mailer> make_mailer(const SmtpConfig& config) {
  if (config.url.empty()) return std::make_unique<LogMailer>();
  if (config.url.rfind("smtp://", 0) != 0 && config.url.rfind("smtps://", 0) != 0) {
    throw std::runtime_error("smtp.url must start with smtp:// or smtps://");
  }
  auto from = detail::parse_mailbox(config.from);
  if (!from) throw std::runtime_error("smtp.from is not a valid sender: " + config.from);
  static std::once_flag curl_init;
  std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return std::make_unique<SmtpMailer>(config, *from);
}

}  // namespace trivium::mail
