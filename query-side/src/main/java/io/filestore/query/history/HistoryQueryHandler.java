package io.filestore.query.history;

import io.filestore.command.api.Actor;
import io.filestore.command.api.FileId;
import io.filestore.command.api.Grant;
import io.filestore.command.api.Grantee;
import io.filestore.command.api.Role;
import io.filestore.command.api.UserId;
import io.filestore.query.history.api.AccessView;
import io.filestore.query.history.api.ChangePage;
import io.filestore.query.history.api.ChangeView;
import io.filestore.query.history.api.ChangesQuery;
import io.filestore.query.history.api.CurrentRoleQuery;
import io.filestore.query.history.api.FileAccess;
import io.filestore.query.history.api.FileAccessAtQuery;
import io.filestore.query.history.api.FileChanges;
import io.filestore.query.history.api.FindFileAsOfQuery;
import io.filestore.query.history.api.HistoricFileView;
import io.filestore.query.history.api.HistoricShareView;
import io.filestore.query.history.api.ListFilesAsOfQuery;
import io.filestore.query.history.api.ListSharesAsOfQuery;
import io.filestore.query.history.api.ListVersionsAsOfQuery;
import io.filestore.query.history.api.UserAccessAtQuery;
import io.filestore.query.history.api.UserAccessPage;
import io.filestore.query.metadata.api.FilePage;
import io.filestore.query.metadata.api.FileVersionView;
import io.filestore.query.metadata.api.FileView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

/**
 * Answers questions about the past from the history views. A caller sees a file as it was at an instant only if
 * they could read it then (with the group memberships they had then) and may still read it now.
 */
@Component
public class HistoryQueryHandler {

    /** Changes listed per file in one answer; the rest are counted in {@code more}. */
    static final int CHANGES_PER_FILE = 100;

    private final HistoryRepository repository;

    public HistoryQueryHandler(HistoryRepository repository) {
        this.repository = repository;
    }

    @QueryHandler
    public Optional<HistoricFileView> handle(FindFileAsOfQuery query) {
        Optional<FileView> then = repository.stateAt(query.fileId(), query.at()).filter(f -> !f.deleted());
        if (then.isEmpty()) {
            return Optional.empty();
        }
        Optional<Role> roleThen = then.get().permissions().roleOf(actorAt(query.caller(), query.at()), query.at());
        if (roleThen.isEmpty() || currentRole(query.fileId(), query.caller()).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new HistoricFileView(then.get(), roleThen.get()));
    }

    @QueryHandler
    public Optional<Role> handle(CurrentRoleQuery query) {
        return currentRole(query.fileId(), query.caller());
    }

    @QueryHandler
    public FilePage handle(ListFilesAsOfQuery query) {
        return repository.ownedAt(query.caller().userId(), query.at(), query.filters(), query.sort(),
                query.direction(), query.offset(), query.limit());
    }

    @QueryHandler
    public List<FileVersionView> handle(ListVersionsAsOfQuery query) {
        return repository.versionsAt(query.fileId(), query.at());
    }

    @QueryHandler
    public List<HistoricShareView> handle(ListSharesAsOfQuery query) {
        return repository.sharesAt(query.fileId(), query.at());
    }

    @QueryHandler
    public ChangePage handle(ChangesQuery query) {
        UserId owner = query.caller().systemAdmin() ? null : query.caller().userId();
        List<UUID> ids = repository.changedFiles(owner, query.since(), query.until(), query.folder(),
                query.recursive(), query.offset(), query.limit());
        long total = repository.countChangedFiles(owner, query.since(), query.until(), query.folder(),
                query.recursive());
        Map<UUID, List<HistoryRepository.ChangeRow>> changes = repository.changesOf(ids, query.since(), query.until(),
                CHANGES_PER_FILE);
        List<FileChanges> files = new ArrayList<>();
        for (UUID id : ids) {
            FileId fileId = new FileId(id.toString());
            List<HistoryRepository.ChangeRow> rows = changes.getOrDefault(id, List.of());
            Optional<FileView> state = repository.stateAt(fileId, query.until());
            String folder = state.map(s -> s.metadata().folder())
                    .orElse(rows.isEmpty() ? null : rows.get(rows.size() - 1).folder());
            Set<String> kinds = new LinkedHashSet<>();
            rows.forEach(r -> kinds.add(r.change().kind()));
            List<String> ordered = ChangeView.KINDS.stream().filter(kinds::contains).toList();
            files.add(new FileChanges(fileId.value(), state.map(s -> s.name().value()).orElse(null), folder, ordered,
                    rows.stream().map(HistoryRepository.ChangeRow::change).toList()));
        }
        return new ChangePage(files, total);
    }

    @QueryHandler
    public FileAccess handle(FileAccessAtQuery query) {
        Optional<FileView> state = repository.stateAt(query.fileId(), query.at());
        if (state.isEmpty()) {
            return new FileAccess(false, List.of());
        }
        Instant at = query.at();
        List<AccessView> access = new ArrayList<>();
        String owner = state.get().owner().value();
        access.add(new AccessView("user:" + owner, "admin", "owner", null, null, null));
        for (String admin : repository.systemAdminsAt(at)) {
            if (!admin.equals(owner)) {
                access.add(new AccessView("user:" + admin, "admin", "systemAdmin", null, null, null));
            }
        }
        for (HistoricShareView share : repository.sharesAt(query.fileId(), at)) {
            if (share.expiredAt(at)) {
                continue;
            }
            if (share.link()) {
                access.add(new AccessView("link:" + share.shareId(), "viewer", "publicLink", null, share.shareId(),
                        share.expiresAt()));
                continue;
            }
            String role = share.role().name().toLowerCase(Locale.ROOT);
            String grantee = share.grantee().value();
            if (grantee.startsWith("user:")) {
                access.add(new AccessView(grantee, role, "directShare", null, share.shareId(), share.expiresAt()));
            } else {
                String group = grantee.substring("group:".length());
                access.add(new AccessView(grantee, role, "groupShare", group, share.shareId(), share.expiresAt()));
                for (String member : repository.membersAt(group, at)) {
                    access.add(new AccessView("user:" + member, role, "groupShare", group, share.shareId(),
                            share.expiresAt()));
                }
            }
        }
        return new FileAccess(true, access);
    }

    @QueryHandler
    public UserAccessPage handle(UserAccessAtQuery query) {
        UserId user = query.user();
        Instant at = query.at();
        boolean admin = repository.systemAdminAt(user, at).orElse(false);
        Set<String> groups = repository.groupsAt(user, at).orElse(Set.of());
        Actor then = new Actor(user, groups, false);
        Set<String> grantees = then.grantees();
        List<Map<String, Object>> rows = repository.readableAt(user, grantees, at, query.offset(), query.limit());
        long total = repository.countReadableAt(user, grantees, at);
        List<UserAccessPage.UserFileAccess> files = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            FileId fileId = new FileId((String) row.get("fileId"));
            String name = (String) row.get("name");
            String folder = (String) row.get("folder");
            if (user.value().equals(row.get("owner"))) {
                files.add(new UserAccessPage.UserFileAccess(fileId.value(), name, folder, "admin", "owner", null));
                continue;
            }
            Grant best = null;
            for (HistoricShareView share : repository.sharesAt(fileId, at)) {
                if (share.link() || share.expiredAt(at) || !grantees.contains(share.grantee().value())) {
                    continue;
                }
                if (best == null || (share.role().allows(best.role()) && share.role() != best.role())
                        || (share.role() == best.role() && share.grantee().isUser(user))) {
                    best = new Grant(share.shareId(), share.grantee(), share.role(), share.expiresAt());
                }
            }
            if (best == null) {
                continue;
            }
            Grantee grantee = best.grantee();
            boolean direct = grantee.isUser(user);
            files.add(new UserAccessPage.UserFileAccess(fileId.value(), name, folder,
                    best.role().name().toLowerCase(Locale.ROOT), direct ? "directShare" : "groupShare",
                    direct ? null : grantee.value().substring("group:".length())));
        }
        return new UserAccessPage(repository.userKnown(user), admin, new java.util.TreeSet<>(groups), files, total);
    }

    private Optional<Role> currentRole(FileId fileId, Actor caller) {
        return repository.current(fileId).flatMap(file -> file.permissions().roleOf(caller, Instant.now()));
    }

    /** The caller as they were at {@code at}: the groups recorded for them then (their current ones if none ever were). */
    private Actor actorAt(Actor caller, Instant at) {
        Set<String> groups = repository.groupsAt(caller.userId(), at).orElse(caller.groups());
        return new Actor(caller.userId(), new HashSet<>(groups), caller.systemAdmin());
    }
}
