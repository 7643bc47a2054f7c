#pragma once
/// SchemaBrowserPage: reads the source's or the target's catalog (run::inspect
/// on the bridge's threads) and shows it as a filterable tree with a detail
/// pane, so the DBA can see what will be migrated before the assessment.

#include <array>
#include <functional>
#include <memory>

#include <QElapsedTimer>
#include <QWidget>

#include "app/bridge/engine_bridge.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTreeView;

namespace ferry::widgets {
class BusySpinner;
}

namespace ferry::app {

class CatalogTreeModel;
class ObjectDetailView;
class PasswordStore;

class SchemaBrowserPage : public QWidget {
  Q_OBJECT
public:
  /// `specOf` returns the connection the Connections page describes for a role.
  using SpecProvider = std::function<connect::ConnectionSpec(preflight::Role)>;

  SchemaBrowserPage(EngineBridge* bridge, PasswordStore* passwords, SpecProvider specOf, QWidget* parent = nullptr);

  /// Starts loading the catalog of `role` (schemas from the Schemas box; empty:
  /// the connection's database or every non-system schema).
  void load(preflight::Role role);
  bool isLoading() const { return m_requestId != 0 || m_resolving; }
  /// The catalog shown (null before the first load of the selected role).
  std::shared_ptr<const model::Catalog> catalog() const;

  QTreeView* tree() const { return m_tree; }
  ObjectDetailView* detail() const { return m_detail; }
  /// Selects the first item whose name is `name` (searching the whole tree) and
  /// shows it; returns false when there is none.
  bool selectByName(const QString& name, const QString& parentName = {});

signals:
  void loaded(bool ok);

private:
  void onLoaded(quint64 requestId, const CatalogOutcome& outcome);
  void showRole(preflight::Role role);
  void onCurrentChanged();
  preflight::Role selectedRole() const;

  EngineBridge* m_bridge;
  PasswordStore* m_passwords;
  SpecProvider m_specOf;
  QComboBox* m_role = nullptr;
  QLineEdit* m_schemas = nullptr;
  QPushButton* m_load = nullptr;
  widgets::BusySpinner* m_spinner = nullptr;
  QLabel* m_status = nullptr;
  QLineEdit* m_filter = nullptr;
  QTreeView* m_tree = nullptr;
  CatalogTreeModel* m_model = nullptr;
  QSortFilterProxyModel* m_proxy = nullptr;
  ObjectDetailView* m_detail = nullptr;

  std::array<std::shared_ptr<const model::Catalog>, 2> m_catalogs;  ///< per role
  std::array<QString, 2> m_statusText;
  quint64 m_requestId = 0;
  bool m_resolving = false;
  preflight::Role m_loadingRole = preflight::Role::Source;
  QElapsedTimer m_clock;
};

}  // namespace ferry::app
