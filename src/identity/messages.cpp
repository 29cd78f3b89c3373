// The texts of identity's e-mails, in English and French.
#include <fmt/format.h>

#include "identity/internal.h"

namespace trivium::identity::detail {
namespace {

bool french(std::string_view locale) {
  return locale == "fr";
}

}  // namespace

mail::Message verification_mail(const User& to, const std::string& link) {
  if (french(to.locale)) {
    return {to.email, "Confirmez votre adresse e-mail",
            fmt::format("Bonjour {},\n\nPour confirmer votre adresse e-mail sur Trivium, ouvrez ce "
                        "lien :\n\n{}\n\nSi vous n'avez pas créé de compte, ignorez ce message.\n",
                        to.display_name, link)};
  }
  return {to.email, "Confirm your e-mail address",
          fmt::format("Hello {},\n\nTo confirm your e-mail address on Trivium, open this link:\n\n"
                      "{}\n\nIf you did not create an account, you can ignore this message.\n",
                      to.display_name, link)};
}

mail::Message reset_mail(const User& to, const std::string& link, int minutes) {
  if (french(to.locale)) {
    return {to.email, "Réinitialisation de votre mot de passe",
            fmt::format("Bonjour {},\n\nPour choisir un nouveau mot de passe Trivium, ouvrez ce "
                        "lien dans les {} minutes :\n\n{}\n\nSi vous n'avez rien demandé, ignorez "
                        "ce message : votre mot de passe reste inchangé.\n",
                        to.display_name, minutes, link)};
  }
  return {to.email, "Reset your password",
          fmt::format("Hello {},\n\nTo choose a new Trivium password, open this link within {} "
                      "minutes:\n\n{}\n\nIf you did not ask for this, ignore this message: your "
                      "password stays as it is.\n",
                      to.display_name, minutes, link)};
}

mail::Message welcome_mail(const User& to, const std::string& link, int hours) {
  if (french(to.locale)) {
    return {to.email, "Votre compte Trivium",
            fmt::format("Bonjour {},\n\nUn compte Trivium a été créé pour vous. Pour choisir votre "
                        "mot de passe, ouvrez ce lien dans les {} heures :\n\n{}\n",
                        to.display_name, hours, link)};
  }
  return {to.email, "Your Trivium account",
          fmt::format("Hello {},\n\nA Trivium account was created for you. To choose your "
                      "password, open this link within {} hours:\n\n{}\n",
                      to.display_name, hours, link)};
}

mail::Message invitation_mail(std::string_view locale, const std::string& to, const std::string& link, int days) {
  if (french(locale)) {
    return {to, "Invitation à rejoindre Trivium",
            fmt::format("Bonjour,\n\nVous êtes invité(e) à créer un compte sur Trivium. Ouvrez ce "
                        "lien dans les {} jours :\n\n{}\n",
                        days, link)};
  }
  return {to, "You are invited to Trivium",
          fmt::format("Hello,\n\nYou are invited to create an account on Trivium. Open this link "
                      "within {} days:\n\n{}\n",
                      days, link)};
}

}  // namespace trivium::identity::detail
