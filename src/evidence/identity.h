// Who writes to a case: an actor name and the Ed25519 key that signs their custody entries.
// The secret key lives outside every case, in the user's configuration directory, and is created
// on first use; a case stores only public keys.
#ifndef SIGHTLINE_EVIDENCE_IDENTITY_H_
#define SIGHTLINE_EVIDENCE_IDENTITY_H_

#include <string>

#include "base/status.h"
#include "evidence/custody.h"

namespace sightline::evidence {

struct Identity {
  std::string actor;
  SigningKey key;
};

// $SIGHTLINE_KEY_DIR, else $XDG_CONFIG_HOME/sightline, else $HOME/.config/sightline.
std::string DefaultKeyDir();
// $SIGHTLINE_ACTOR, else "login@hostname".
std::string DefaultActor();

// Reads `dir`/signing-key.ed25519, creating the directory (0700) and the key (0600) when absent.
// Safe when several processes do this at once: exactly one key is created.
Result<SigningKey> LoadOrCreateSigningKey(const std::string& dir);

// DefaultActor() with the key from DefaultKeyDir().
Result<Identity> DefaultIdentity();

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_IDENTITY_H_
